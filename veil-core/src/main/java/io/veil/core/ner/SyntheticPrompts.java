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
 * Synthetic prompt-style training texts, English and (one in {@value #GERMAN_SHARE}) German: hand-written
 * request/e-mail/chat/news templates (written for Veil, not taken from any evaluation set) filled with
 * Datafaker names from many locales and names from the gazetteers (SSA first names, Census surnames),
 * GeoNames cities, Datafaker countries and company names. They teach the model the kind of text a gateway
 * sees (chat requests, e-mails, lower-case and upper-case chat, lists of names, names in credits) that the
 * real corpora (tweets, clinical cases, old newspapers, one German news sample) lack or have little of.
 * Templates without slots teach what is not a name (products, weekdays, code, Title Case headings).
 * Round 3 added places as chat prompts write them (after in/from/to/near/at, in lists, as form fields, states
 * and regions from the GeoNames subcountry column or Datafaker, towns in capitals or lower case), firms named
 * after people ("Ruiz, Lang and Berg") in organization contexts, people after "at"/"to" and as objects, and
 * signature blocks. Round 4 added the kinds of PERSON mention that prompts and chat have and the model
 * missed: a lone name as the subject at a sentence or line start, names after naming verbs, a name as the
 * modifier of a work, vocatives, dialogue with speaker labels, lists of first names and of surnames, lower-case
 * names in lower-case chat, more name locales, and one-word brands as organizations. Round 5 added products
 * and makes in chat prompts (not labelled), firms named after their partners in more organization contexts,
 * and unknown surnames as subjects and as modifiers of works. The German templates live in
 * {@link GermanPrompts} (round 5: German news, encyclopedia, letter and chat kinds; names from the German,
 * Austrian and Swiss Datafaker locales).
 *
 * <p>Deterministic: the same seed, city list and Datafaker version give the same texts.
 */
final class SyntheticPrompts {
  private SyntheticPrompts() {}

  // {P} full name, {F} first name, {L} surname, {T} title + surname (title not labelled), {C} city,
  // {K} country, {S} state or region, {O} organization, {N} organization named after people ("Ruiz, Lang and Berg"),
  // {B} one-word brand or start-up name (an organization), {V} a product, make or model ("Canon EOS 5D",
  // "Toyota Corolla", "Casio"; not labelled)
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
      // round 2: lists of people, names in titles and credits, lone names without a cue, "Last, First",
      // chat and social-media style (the kinds of text where recall was lowest)
      "The founders, {P}, {P} and {P}, met at university.",
      "Attendees: {P}, {P}, {P}",
      "Thanks to {L}, {L} and {L} for reviewing the draft.",
      "{F}, {F} and {F} signed up for the workshop.",
      "The panel included {P}, {P}, and {P}.",
      "cc {P}; {P}",
      "The team ({F}, {F}, {F}) will present on Friday.",
      "My favourite song is \"Blue Morning\" by {P}.",
      "{P} listed her top ten albums for a music magazine.",
      "Have you read the new novel by {P}?",
      "The documentary, directed by {P}, premiered in {C}.",
      "{P}'s latest film was shot in {C}.",
      "The painting was bought by {P} for a private collection.",
      "{F} wants to know whether the order has shipped.",
      "Ask {F}.",
      "{F} said the printer is broken again.",
      "{L} will take over the account from next week.",
      "Name: {L}, {F}",
      "{L}, {F} - account manager, {O}",
      "Customer: {P}\nPhone: on file\nNotes: asked about the delivery to {C}",
      "Interview with {P}, who grew up in {C}.",
      "lol {F} just texted me",
      "can u send this to {F} and {F}",
      "omg {P} was amazing last night in {C}",
      "Congrats to {P} on the new job at {O}! #proud",
      "RT: {P} announces tour dates, first stop {C}",
      "Just met {P} at the airport, so nice!!",
      "Watching {P} and {P} on TV tonight",
      "who else thinks {F} should have won?",
      "Happy birthday {F}!! have a great one",
      "Best wishes from {C}, {F} and {F}",
      "{P} (CEO of {O}) spoke about the merger.",
      "Minutes taken by {P}. Present: {P}, {P}.",
      "Please add {P} and {P} to the mailing list.",
      "In {C}, {P} opened a small bakery.",
      "Prof. {L} and her student {P} published the study.",
      "I think {F} and I should split the bill.",
      "Rewrite this paragraph so that {F} sounds more confident.",
      "Quote of the day from {P}: keep it simple.",
      // no names
      "The Quarterly Report Is Due Next Week.",
      "Click Save, then Export As PDF.",
      "Can you recommend a good laptop for Data Science?",
      "Tonight on Channel 4: Cooking With Friends",
      "New Release: Version 2.3 Adds Dark Mode",
      "Thanks everyone for coming today!",
      // round 3: places in chat prompts (after in/from/to/near/at, in lists, as form fields, regions and states,
      // upper- and lower-case towns) and firms named after people (lists of surnames that are one organization)
      "I'm staying in {C} until Sunday, any tips?",
      "Any good restaurants near {C}?",
      "We're driving from {C} to {C} tomorrow morning.",
      "How far is {C} from {C} by train?",
      "She was born in {C}, {S}, and studied in {K}.",
      "Our warehouse is located in {C}, {K}.",
      "How long does shipping to {K} take?",
      "The conference will be held in {C} this year.",
      "I grew up near {C} but now I live in {S}.",
      "Location: {C}, {K}",
      "Hometown: {C}\nCountry: {K}",
      "Ship to: {C}, {S}",
      "Places I have lived: {C}, {C} and {C}.",
      "Top three cities to visit: {C}, {C}, {C}",
      "Is it safe to travel to {K} right now?",
      "Flights to {C} are cheap in March.",
      "He moved back to {K} after college.",
      "The {C} office is closed today.",
      "Meet me at the {C} train station at 5.",
      "I'll be visiting family in {C} over the holidays.",
      "what's the best time of year to go to {C}",
      "my sister just moved to {S} for work",
      "We are opening a second store in {S} next spring.",
      "Our team is spread across {K}, {K} and {K}.",
      "The storm hit the coast of {S} on Tuesday.",
      "Can you recommend a hotel at {C} airport?",
      "Delivery address changed to {C}, please confirm.",
      "The wedding is in {C}; the reception is at a farm outside {C}.",
      "I live in a small town called {C}.",
      "Write a travel itinerary: {C} -> {C} -> {C}.",
      "{F} spent a year at {O} before moving to {C}.",
      "{F} told {F} that the meeting was cancelled.",
      "Why is {F} always late?",
      "Here's {F}'s new number, can you save it?",
      "She named her son {F}.",
      "{L} asked {F} for the keys.",
      "I have an interview at {N} next week.",
      "The law firm {N} represents the buyer.",
      "Send the invoice to {N}, attention accounts payable.",
      "{N} reported record profits this quarter.",
      "Our supplier {N} raised its prices again.",
      "The {N} office is moving to {C}.",
      // people after "at"/"to" (not places) and surnames used as modifiers
      "{F} yelled at {F} across the room.",
      "She smiled at {F} and left.",
      "Say hi to {F} from me!",
      "I'll talk to {F} about it tomorrow.",
      "Give the keys to {F} when you leave.",
      "I prefer the early {L} albums.",
      "Have you seen the new {L} exhibition?",
      // people as subjects and objects where places also occur ("is from", "says X.", "gave X")
      "{F} is from {C} originally.",
      "\"We are on track,\" says {L}.",
      "\"Not again!\" said {F} to {F}.",
      "{F} gave {F} the keys to the flat.",
      "{F} sent {F} a birthday card from {C}.",
      // lists of surnames that are people, beside the firms above
      "The company was started by {L}, {L} and {L} in a garage.",
      "The authors, {L} and {L}, thank the reviewers.",
      // signatures and quoted mail: name and firm on lines of their own
      "Best,\n{P}\n{O}",
      "> {P}\n> {O}\n> Sent from my phone",
      "{P}\nAccount Manager\n{N}",
      "-- \n{P} | {O} | {C}",
      // round 4 (PERSON recall on prompts and chat): a lone name as the subject at the start of a sentence or
      // line, names after naming verbs ("named her", "calls me", "maiden name"), a name or surname as the
      // modifier of a work ("the {L} biography"), vocatives, chat dialogue with speaker labels, lists of first
      // names and of surnames that are people, and one-word brands ({B}) as organizations beside them
      "{F} is very patient with new customers.",
      "{L} started painting when she was forty.",
      "{F} lives on the second floor, next to the lift.",
      "{F} had already sent {F} the signed contract.",
      "Why is {F} so quiet today?",
      "{F} screamed at the referee and left the pitch.",
      "{L} was a shy child who loved maps.",
      "{F} is from {O}; she handles the billing.",
      "{F} never answers emails before noon.",
      "{L} wrote three books about the war.",
      "{F} and I grew up on the same street.",
      "Is {F} coming to dinner tonight?",
      "Does {F} know about the new schedule?",
      "How old is {F} now?",
      "{F} thinks the plan is too expensive.",
      "{P} has worked here for twelve years.",
      "We named our daughter {F}.",
      "They called the baby {F}, after her grandmother.",
      "Everyone at the office calls me {F}.",
      "My mother's maiden name was {L}.",
      "His nickname at school was {F}.",
      "Please update the name on the ticket to {P}.",
      "Can you change the recipient to {P}?",
      "A new series starring {P} and {P} starts in May.",
      "Could I speak to {F}, please?",
      "The account is registered to {P}.",
      "I am writing on behalf of {P}.",
      "Have you ever heard {F} sing?",
      "Say thanks to {F} for the flowers.",
      "I really liked the {L} biography, more than the film.",
      "Is the {P} recording better than the original?",
      "The {L} translation reads much better.",
      "Compared with the early {L} paintings, these are darker.",
      "Former {O} drummer {L} released a solo album.",
      "The {L} family moved in next door.",
      "{F}, can you send me the file again?",
      "Thanks for your help, {F}!",
      "Don't forget your umbrella, {F}.",
      "Good morning {F}, how was the trip?",
      "Come on, {F}, we are late!",
      "{F}: Did you lock the door?\n{F}: Yes, twice.",
      "{F}: where are u\n{F}: on my way, 5 min",
      "{F}: \"Who told you that?\"\n{F}: \"Nobody, I just know.\"",
      "We have four kids: {F}, {F}, {F} and {F}.",
      "Guests: {F}, {F}, {F}, {F}",
      "{L} and {L} were both lawyers before they retired.",
      "The winners were {L}, {L} and {L}.",
      "Invite {F}, {F} and {F} to the call.",
      "The lab was set up by {L}, {L} and {L}, three chemists.",
      "i swear {F} laughs at everything",
      "does {F} still work at {O}?",
      "{F} you're the best!!",
      "why does {F} always text me at 3am",
      "watching the game with {F} and {F} tonight",
      "{B} is a design agency based in {C}.",
      "I just started a new job at {B}.",
      "{B} raised 20 million dollars last year.",
      "The startup {B} was bought by {O}.",
      "{B} and {B} both make budgeting apps.",
      "{B} is a nonprofit that teaches kids to code.",
      "The headquarters of {B} are in {C}.",
      "Our partners include {B}, {B} and {O}.",
      "{B} was founded in 2012 by {P}.",
      "I applied for an internship at {B}.",
      "Has anyone used {B} for payroll?",
      "{B}'s customer service never answers the phone.",
      "Please compare the pricing of {B} and {B}.",
      // round 5: products and brands in chat prompts ({V}, not labelled: a capitalised product or make is
      // no person), firms named after their partners ({N}) in more organization contexts beside lists of
      // surnames that are people, and unknown surnames as the subject or as the modifier of a work
      "My {V} keeps restarting, what should I do?",
      "Is the {V} worth the money?",
      "Compare the {V} and the {V} for a beginner.",
      "I'm looking at my {V} and it won't turn on.",
      "Where can I get my {V} repaired in {C}?",
      "just got a {V} and i love it",
      "Should I buy a used {V} or a new {V}?",
      "{V} or {V}: which one lasts longer?",
      "Write a short review of the {V}.",
      "{F} lent me her {V} for the trip.",
      "The {V} ad made me laugh.",
      "{V} is discontinued, what should I buy instead?",
      "How do I reset a {V} to factory settings?",
      "{P}\n{N}\n{C}, {K}",
      "{F} is from {N}.",
      "{P} of {N} will join the call on Friday.",
      "{N} is a consulting firm based in {C}.",
      "I got a letter from {N} about the lease.",
      "Our accountants, {N}, sent the annual report.",
      "{P} works for {N} in {C}.",
      "Thanks to our sponsors {N} and {O}.",
      "We hired {N} to handle the audit.",
      "Our three founders, {L}, {L} and {L}, met at university.",
      "{L} and {L} were the best engineers we ever had.",
      "Speakers: {L}, {L} and {L}.",
      "{L} began her career as a journalist in {C}.",
      "{L} studied law before turning to music.",
      "{L} had lent {F} the money.",
      "That {L} song is stuck in my head.",
      "Did you read the new {L} thriller?",
      "The {L} paintings are in the east wing.",
      "I prefer the {P} version of this song.",
      "The latest {L} film was a flop.",
  };

  /** One synthetic text in this many is German ({@link GermanPrompts}, language "de"). */
  static final int GERMAN_SHARE = 4;

  private static final String[] LOCALES = {"en", "en-US", "en-GB", "en-IN", "de", "fr", "es", "nl", "it", "pt",
      "pl", "hu", "tr", "sv", "cs", "fi", "da-DK", "nb-NO", "ro", "en-NG", "vi", "id",
      // round 4: more Latin-script name traditions (Croatian, Slovak, Latvian, Estonian, Albanian, Catalan,
      // South African, Singaporean, Ugandan, Filipino)
      "hr", "sk", "lv", "et", "sq", "ca", "en-ZA", "en-SG", "en-UG", "en-PH"};
  /** German-language name locales: German templates take 70 % of their names from these (Germany, Austria, Switzerland). */
  private static final String[] GERMAN_LOCALES = {"de", "de-AT", "de-CH"};
  /** Slot type of a value that is no entity ({V}). */
  private static final int NO_LABEL = -1;
  private static final String[] TITLES = {"Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Dr", "Mr"};
  private static final String[] GERMAN_TITLES = {"Dr.", "Prof.", "Herr", "Frau"};

  /**
   * Person names from the gazetteers, used besides Datafaker's for variety (rare names included):
   * first names and surnames, each as written in the source (upper case in the Census files).
   */
  record NameLists(List<String> firstNames, List<String> surnames) {
    static final NameLists NONE = new NameLists(List.of(), List.of());

    /**
     * Reads the SSA first names seen at least {@code 100} times and the Census 1990 surnames from the
     * layout of {@code shared/data/gazetteers}.
     */
    static NameLists read(Path gazetteers) throws IOException {
      List<String> first = new ArrayList<>();
      List<String> lines = Files.readAllLines(gazetteers.resolve("ssa_first_names/ssa_national_names_aggregated.csv"),
          StandardCharsets.UTF_8);
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",", 4);
        if (f.length >= 3 && !f[0].isBlank() && Long.parseLong(f[2].strip()) >= 100) {
          first.add(f[0].strip());
        }
      }
      List<String> last = new ArrayList<>();
      for (String line : Files.readAllLines(gazetteers.resolve("us_census_1990_names/dist.all.last"),
          StandardCharsets.UTF_8)) {
        String name = line.split("\\s+", 2)[0].strip();
        if (name.length() > 1) {
          last.add(name);
        }
      }
      return new NameLists(List.copyOf(first), List.copyOf(last));
    }
  }

  /** As {@link #generate(int, long, Path, NameLists)} without gazetteer names. */
  static List<NerCorpus.Labelled> generate(int count, long seed, Path worldCities) throws IOException {
    return generate(count, seed, worldCities, NameLists.NONE);
  }

  /**
   * {@code count} texts, one in {@value #GERMAN_SHARE} of them German ({@link GermanPrompts}, language "de"),
   * the rest English;
   * {@code worldCities} is GeoNames' world-cities.csv (name in the first column).
   */
  static List<NerCorpus.Labelled> generate(int count, long seed, Path worldCities, NameLists names)
      throws IOException {
    List<String> cities = new ArrayList<>();
    List<String> regions = new ArrayList<>();
    List<String> lines = Files.readAllLines(worldCities, StandardCharsets.UTF_8);
    for (int i = 1; i < lines.size(); i++) {
      String[] cols = lines.get(i).split(",", 4);
      String name = cols[0].strip();
      if (!name.isEmpty() && !name.startsWith("\"")) {
        cities.add(name);
        String region = cols.length > 2 ? cols[2].strip() : "";
        if (!region.isEmpty() && !region.startsWith("\"") && !region.equals(name)) {
          regions.add(region); // one per city: populous regions come up more often
        }
      }
    }
    Random random = new Random(seed);
    Faker[] fakers = new Faker[LOCALES.length];
    for (int i = 0; i < LOCALES.length; i++) {
      fakers[i] = new Faker(Locale.forLanguageTag(LOCALES[i]), new Random(seed + i + 1));
    }
    Faker[] germanFakers = new Faker[GERMAN_LOCALES.length];
    for (int i = 0; i < GERMAN_LOCALES.length; i++) {
      germanFakers[i] = new Faker(Locale.forLanguageTag(GERMAN_LOCALES[i]), new Random(seed + 101 + i));
    }
    Faker en = fakers[0];
    List<NerCorpus.Labelled> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      boolean german = random.nextInt(GERMAN_SHARE) == 0;
      String template = german ? GermanPrompts.TEMPLATES[random.nextInt(GermanPrompts.TEMPLATES.length)]
          : TEMPLATES[random.nextInt(TEMPLATES.length)];
      String lastSurname = null; // of the last {P}, for {M}
      // casing 0-4: all lower case, 5: all upper case, 6-7: lower-case names, 8-39: as written. German texts
      // keep their case (until round 5 they drew 0 and were all lower case, so the model never saw cased
      // synthetic German), except one in twenty, written all lower case as in chat
      int casing = german ? (random.nextInt(20) == 0 ? 0 : 8) : random.nextInt(40);
      boolean lowerAll = casing < 5;
      boolean upperAll = casing == 5;
      // chat templates written in lower case get lower-case names half the time ("i swear dana laughs at it")
      boolean lowerNames = casing == 6 || casing == 7 || !german && lowerCaseChat(template) && random.nextBoolean();
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
        if (slot == 'R') { // a role before a name, not part of it
          text.append(GermanPrompts.ROLES[random.nextInt(GermanPrompts.ROLES.length)]);
          continue;
        }
        Faker f = german && random.nextInt(10) < 7 ? germanFakers[random.nextInt(germanFakers.length)]
            : fakers[random.nextInt(fakers.length)];
        String value;
        int type;
        switch (slot) {
          case 'P' -> {
            value = fullName(f, names, random);
            lastSurname = value.substring(value.lastIndexOf(' ') + 1);
            type = 0;
          }
          case 'M' -> {
            value = lastSurname != null ? lastSurname : lastName(f, names, random);
            type = 0;
          }
          case 'G' -> {
            value = GermanPrompts.genitive(random.nextInt(3) == 0 ? fullName(f, names, random)
                : lastName(f, names, random).strip());
            type = 0;
          }
          case 'F' -> {
            value = firstName(f, names, random);
            type = 0;
          }
          case 'L' -> {
            value = lastName(f, names, random);
            type = 0;
          }
          case 'T' -> {
            String[] titles = german ? GERMAN_TITLES : TITLES;
            text.append(titles[random.nextInt(titles.length)]).append(' ');
            value = random.nextInt(4) == 0 ? fullName(f, names, random) : lastName(f, names, random);
            type = 0;
          }
          case 'C' -> {
            value = german && random.nextInt(3) == 0 ? GermanPrompts.CITIES[random.nextInt(GermanPrompts.CITIES.length)]
                : random.nextInt(3) == 0 ? f.address().city() : cities.get(random.nextInt(cities.size()));
            type = 1;
          }
          case 'K' -> {
            value = (german ? f : en).address().country();
            type = 1;
          }
          case 'S' -> {
            value = random.nextBoolean() ? en.address().state() : regions.get(random.nextInt(regions.size()));
            type = 1;
          }
          case 'B' -> {
            do {
              value = en.app().name(); // one word: Datafaker has a few two-word app names ("Quo Lux")
            } while (value.strip().contains(" "));
            type = 2;
          }
          case 'V' -> {
            value = switch (random.nextInt(6)) {
              case 0 -> en.vehicle().makeAndModel();
              case 1 -> en.vehicle().make();
              case 2 -> en.camera().brandWithModel();
              case 3 -> en.device().modelName();
              case 4 -> en.appliance().brand();
              default -> random.nextBoolean() ? en.brand().watch() : en.camera().brand();
            };
            type = NO_LABEL;
          }
          case 'N' -> {
            do {
              value = en.company().name();
            } while (!(value.contains(",") || value.contains(" and ") || value.contains("-")));
            type = 2;
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
        if (lowerNames && type <= 1) {
          value = value.toLowerCase(Locale.ROOT);
        } else if (type == 1 && !german && random.nextInt(12) == 0) {
          value = value.toUpperCase(Locale.ROOT); // towns in capitals, as in postal addresses and forms
        }
        int start = text.length();
        text.append(value);
        if (type != NO_LABEL) {
          spans.add(new int[] {start, text.length(), type});
        }
      }
      String s = lowerAll ? text.toString().toLowerCase(Locale.ROOT)
          : upperAll ? text.toString().toUpperCase(Locale.ROOT) : text.toString();
      if (s.length() != text.length()) {
        continue; // a case mapping that changes length would move the spans
      }
      int[] st = spans.stream().mapToInt(a -> a[0]).toArray();
      int[] en2 = spans.stream().mapToInt(a -> a[1]).toArray();
      int[] ty = spans.stream().mapToInt(a -> a[2]).toArray();
      out.add(new NerCorpus.Labelled("synthetic-" + n, s, german ? "de" : "en", st, en2, ty));
    }
    return out;
  }

  /** A template written all in lower case outside its slots ("i swear {F} laughs at everything"). */
  static boolean lowerCaseChat(String template) {
    String words = template.replaceAll("\\{[A-Z]}", "");
    return words.equals(words.toLowerCase(Locale.ROOT));
  }

  private static String firstName(Faker f, NameLists names, Random random) {
    if (!names.firstNames().isEmpty() && random.nextInt(5) == 0) {
      return titleCase(names.firstNames().get(random.nextInt(names.firstNames().size())));
    }
    return f.name().firstName();
  }

  private static String lastName(Faker f, NameLists names, Random random) {
    if (!names.surnames().isEmpty() && random.nextInt(5) == 0) {
      return titleCase(names.surnames().get(random.nextInt(names.surnames().size())));
    }
    return f.name().lastName();
  }

  /** First and last name; sometimes with a middle initial or a double surname. */
  private static String fullName(Faker f, NameLists names, Random random) {
    String first = firstName(f, names, random);
    String last = lastName(f, names, random);
    return switch (random.nextInt(16)) {
      case 0 -> first + " " + (char) ('A' + random.nextInt(26)) + ". " + last;
      case 1 -> first + " " + (char) ('A' + random.nextInt(26)) + " " + last;
      case 2 -> first + " " + last + "-" + lastName(f, names, random);
      default -> first + " " + last;
    };
  }

  /** MCDONALD -> Mcdonald; o'brien -> O'brien (good enough for training text). */
  private static String titleCase(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
