package io.veil.core.ner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.datafaker.Faker;

/**
 * Synthetic English prompt-style training texts: hand-written request/e-mail/chat templates (written for
 * Veil, not taken from any evaluation set) filled with Datafaker names from many locales, GeoNames cities,
 * Datafaker countries and company names. They teach the model the kind of text a gateway sees (chat
 * requests, e-mails, lower-case chat) that the real corpora (tweets, clinical cases, old newspapers) lack.
 * Templates without slots teach what is not a name (products, weekdays, code, Title Case headings).
 *
 * <p>Deterministic: the same seed, city list and Datafaker version give the same texts.
 */
final class SyntheticPrompts {
  private SyntheticPrompts() {}

  // {P} full name, {F} first name, {L} surname, {T} title + surname (title not labelled), {C} city,
  // {K} country, {O} organization
  static final String[] TEMPLATES = {
      "Can you write an email to {P} telling them the meeting moved to Thursday?",
      "Please draft a reply to {F} about the invoice from {O}.",
      "My name is {P} and I live in {C}.",
      "Hi, I'm {F}. I need help with my account.",
      "Dear {T},\nThank you for your letter of last week. We will send the documents to our office in {C}.",
      "Dear {F},\n\nI hope you are well. Could we meet in {C} next month?\n\nBest regards,\n{P}",
      "Summarize this: {P} joined {O} in 2019 as head of sales and moved to {C} last year.",
      "{P} called yesterday and asked for a refund.",
      "Translate to French: {F} will arrive in {C} on Monday.",
      "I work at {O} and my manager is {P}.",
      "Write a short bio for {P}, a nurse from {C}, {K}.",
      "Our customer {P} complained that the package never arrived in {C}.",
      "Book a table for two under the name {L}.",
      "{T} will see you at 10 am.",
      "Remind me to call {F} tomorrow.",
      "The contract between {O} and {O} was signed by {P} and {P}.",
      "Who is {P}? I met them at a conference in {C}.",
      "Please schedule a call with {P} from {O}.",
      "Thanks {F}! See you in {C}.",
      "{F} and {F} are going to {K} for the holidays.",
      "Send the report to {P}, {P} and {P}.",
      "I moved from {C} to {C} when I was twelve.",
      "Is {C} a good place to live for a family?",
      "What is the weather like in {C} in April?",
      "Plan a three-day trip to {C}, {K}.",
      "My flight from {C} to {C} was cancelled.",
      "{O} is hiring engineers in {C}.",
      "Write a cover letter for a job at {O}.",
      "Compare {O} and {O} as employers.",
      "The patient, {P}, was referred by {T}.",
      "{T} prescribed antibiotics for {F}'s infection.",
      "According to {P}, the project is late.",
      "I had lunch with {F} {L} today.",
      "ask {F} if she can cover my shift",
      "hey it's {F}, can you help me write a message to {F}?",
      "my boss {P} wants the slides by friday",
      "Fix the grammar: me and {F} goes to {C} every summer.",
      "Signed,\n{P}\n{O}",
      "From: {P}\nTo: {P}\nSubject: Quarterly numbers",
      "{P} ({O}) asked whether the offer is still valid.",
      "Ms. {L} and Mr. {L} will both attend.",
      "The new branch of {O} opened in {C} last week.",
      "Tell me about the history of {K}.",
      "Please find attached the CV of {P}, who lives in {C}.",
      "{F}'s phone is broken, so write to her instead.",
      "Is {P} related to {P}?",
      "Draft a LinkedIn post congratulating {P} on joining {O}.",
      "We visited {F} and her husband {F} in {C}.",
      "Cancel my subscription. Name: {P}. City: {C}.",
      "Employee {P} from the {C} office requested leave.",
      // no names: what the model must leave alone
      "Monday works for me, or Tuesday after lunch.",
      "Please Review The Attached Document Before The Meeting.",
      "Call getUserName() before saving the Customer record.",
      "Can you explain how Python decorators work?",
      "The iPhone 15 and the Galaxy S24 both support USB-C.",
      "Write a SQL query that joins Orders and Customers on customer_id.",
      "Happy New Year to everyone!",
      "Summer is coming, so plan the Garden Party early.",
      "Use the Java Stream API to group the list by Status.",
      "Great Job on the Release, Team!",
      "Will the May update fix the bug?",
      "Bill me at the end of the month.",
      "The Board approved the Budget for Q3.",
      "Hope you Mark this as done soon.",
  };

  private static final String[] LOCALES = {"en", "en-US", "en-GB", "en-IN", "de", "fr", "es", "nl", "it", "pt",
      "pl", "hu", "tr", "sv", "cs", "fi", "da-DK", "nb-NO", "ro", "en-NG", "vi", "id"};
  private static final String[] TITLES = {"Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Dr", "Mr"};

  /** {@code count} texts; {@code worldCities} is GeoNames' world-cities.csv (name in the first column). */
  static List<NerCorpus.Labelled> generate(int count, long seed, Path worldCities) throws IOException {
    List<String> cities = new ArrayList<>();
    List<String> lines = Files.readAllLines(worldCities, StandardCharsets.UTF_8);
    for (int i = 1; i < lines.size(); i++) {
      String name = lines.get(i).split(",", 2)[0].strip();
      if (!name.isEmpty() && !name.startsWith("\"")) {
        cities.add(name);
      }
    }
    Random random = new Random(seed);
    Faker[] fakers = new Faker[LOCALES.length];
    for (int i = 0; i < LOCALES.length; i++) {
      fakers[i] = new Faker(Locale.forLanguageTag(LOCALES[i]), new Random(seed + i + 1));
    }
    Faker en = fakers[0];
    List<NerCorpus.Labelled> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
      boolean lowerAll = random.nextInt(8) == 0;
      boolean lowerNames = !lowerAll && random.nextInt(20) == 0;
      StringBuilder text = new StringBuilder();
      List<int[]> spans = new ArrayList<>();
      int i = 0;
      while (i < template.length()) {
        char c = template.charAt(i);
        if (c != '{') {
          text.append(c);
          i++;
          continue;
        }
        char slot = template.charAt(i + 1);
        i += 3;
        Faker f = fakers[random.nextInt(fakers.length)];
        String value;
        int type;
        switch (slot) {
          case 'P' -> {
            value = f.name().firstName() + " " + f.name().lastName();
            type = 0;
          }
          case 'F' -> {
            value = f.name().firstName();
            type = 0;
          }
          case 'L' -> {
            value = f.name().lastName();
            type = 0;
          }
          case 'T' -> {
            text.append(TITLES[random.nextInt(TITLES.length)]).append(' ');
            value = random.nextInt(4) == 0 ? f.name().firstName() + " " + f.name().lastName() : f.name().lastName();
            type = 0;
          }
          case 'C' -> {
            value = random.nextInt(3) == 0 ? f.address().city() : cities.get(random.nextInt(cities.size()));
            type = 1;
          }
          case 'K' -> {
            value = en.address().country();
            type = 1;
          }
          default -> {
            // "Miller, Weber and Soto" style firm names are left out: a list of surnames is more often people
            do {
              value = random.nextBoolean() ? en.company().name() : f.company().name();
            } while (value.contains(",") || value.contains(" and ") || value.contains(" und ") || value.contains(" et "));
            type = 2;
          }
        }
        value = value.strip();
        if (lowerNames && type == 0) {
          value = value.toLowerCase(Locale.ROOT);
        }
        int start = text.length();
        text.append(value);
        spans.add(new int[] {start, text.length(), type});
      }
      String s = lowerAll ? text.toString().toLowerCase(Locale.ROOT) : text.toString();
      if (s.length() != text.length()) {
        continue; // a lower-case mapping that changes length would move the spans
      }
      int[] st = spans.stream().mapToInt(a -> a[0]).toArray();
      int[] en2 = spans.stream().mapToInt(a -> a[1]).toArray();
      int[] ty = spans.stream().mapToInt(a -> a[2]).toArray();
      out.add(new NerCorpus.Labelled("synthetic-" + n, s, "en", st, en2, ty));
    }
    return out;
  }
}
