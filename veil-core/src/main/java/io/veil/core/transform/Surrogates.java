package io.veil.core.transform;

import io.veil.core.EntityType;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.datafaker.Faker;

/**
 * Generates fake values that keep the original's kind and format.
 *
 * <ul>
 *   <li>PERSON: a Datafaker name with as many words as the original (first name; first + last; first,
 *       middle given names, last), upper-cased if the original was; no word of it a common English word
 *       ({@link CommonWords}: "White", "Rose", "Will" would be restored wherever the model uses the word).
 *   <li>EMAIL: {@code first.last@example.com} (reserved domains, so no real mailbox).
 *   <li>CREDIT_CARD: same length, same separators, same brand prefix (first 2 digits; 4 for 6011/22xx-27xx),
 *       Luhn-valid.
 *   <li>IBAN: same country, length and letter/digit layout, mod-97-valid check digits, same spacing.
 *   <li>PHONE and other digit-shaped values: every digit but a leading {@code +CC} replaced.
 *   <li>US_SSN: a valid-area number in the same layout. IP_ADDRESS: documentation ranges
 *       (192.0.2.0/24 etc., 2001:db8::/32).
 *   <li>LOCATION, ADDRESS, ORGANIZATION, URL, USERNAME: Datafaker city, street address, company,
 *       example.com URL, user name.
 *   <li>Anything else: letters replaced by letters of the same case, digits by digits.
 * </ul>
 *
 * <p>Thread safety: thread-safe (the shared Faker is used under its lock).
 */
final class Surrogates {
  private static final String[] EMAIL_DOMAINS = {"example.com", "example.org", "example.net"};
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  // both separators are captured and compared in code: a backreference would need a backtracking engine
  private static final Pattern DATE_ISO = Pattern.compile("(\\d{4})([-/.])(\\d{1,2})([-/.])(\\d{1,2})");
  private static final Pattern DATE_DMY = Pattern.compile("(\\d{1,2})([-/.])(\\d{1,2})([-/.])(\\d{2,4})");

  private final Random random;
  private final Faker faker;

  Surrogates() {
    this(new SecureRandom());
  }

  Surrogates(Random random) {
    this.random = random;
    this.faker = new Faker(Locale.ENGLISH, random);
  }

  String generate(EntityType type, String original) {
    synchronized (faker) {
      return switch (type.name()) {
        case "PERSON" -> person(original);
        case "EMAIL" -> email();
        case "CREDIT_CARD" -> card(original);
        case "IBAN" -> iban(original);
        case "US_SSN" -> ssn(original);
        case "IP_ADDRESS" -> ip(original);
        case "LOCATION" -> faker.address().city();
        case "ADDRESS" -> faker.address().streetAddress();
        case "ORGANIZATION" -> faker.company().name();
        case "URL" -> "https://www.example.com/" + faker.internet().slug();
        case "USERNAME" -> faker.internet().username();
        case "DATE", "DATE_OF_BIRTH" -> date(original);
        case "PHONE" -> phone(original);
        default -> shaped(original);
      };
    }
  }

  /** A name whose words are not common English words (tries a few times, then takes the last). */
  private String person(String original) {
    String name = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      name = personOnce(original);
      boolean common = false;
      for (String w : name.split(" ")) {
        common |= CommonWords.contains(w);
      }
      if (!common) {
        break;
      }
    }
    return name;
  }

  private String personOnce(String original) {
    String[] words = original.strip().split("\\s+");
    StringBuilder sb = new StringBuilder();
    if (words.length <= 1) {
      sb.append(faker.name().firstName());
    } else {
      sb.append(faker.name().firstName());
      for (int i = 1; i < words.length - 1; i++) {
        sb.append(' ').append(faker.name().firstName());
      }
      sb.append(' ').append(faker.name().lastName());
    }
    String name = sb.toString().replaceAll("[^\\p{L}\\p{M} '-]", "");
    boolean upper = original.chars().anyMatch(Character::isLetter)
        && original.equals(original.toUpperCase(Locale.ROOT)) && original.length() > 1;
    return upper ? name.toUpperCase(Locale.ROOT) : name;
  }

  private String email() {
    String local = (ascii(faker.name().firstName()) + "." + ascii(faker.name().lastName())).toLowerCase(Locale.ROOT);
    if (random.nextBoolean()) {
      local += random.nextInt(100);
    }
    return local + "@" + EMAIL_DOMAINS[random.nextInt(EMAIL_DOMAINS.length)];
  }

  private static String ascii(String s) {
    String a = s.replaceAll("[^A-Za-z]", "");
    return a.isEmpty() ? "user" : a;
  }

  private String card(String original) {
    String digits = original.replaceAll("\\D", "");
    if (digits.length() < 12) {
      return shaped(original);
    }
    int keep = digits.startsWith("6011") || digits.matches("2[2-7].*") ? 4 : 2;
    char[] d = digits.toCharArray();
    for (int i = keep; i < d.length - 1; i++) {
      d[i] = (char) ('0' + random.nextInt(10));
    }
    d[d.length - 1] = luhnCheckDigit(new String(d, 0, d.length - 1));
    return relayout(original, new String(d));
  }

  /** The Luhn check digit for a payload. */
  static char luhnCheckDigit(String payload) {
    int sum = 0;
    boolean dbl = true;
    for (int i = payload.length() - 1; i >= 0; i--) {
      int v = payload.charAt(i) - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
      dbl = !dbl;
    }
    return (char) ('0' + (10 - sum % 10) % 10);
  }

  private String iban(String original) {
    String compact = original.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    if (compact.length() < 5 || !Character.isLetter(compact.charAt(0)) || !Character.isLetter(compact.charAt(1))) {
      return shaped(original);
    }
    StringBuilder bban = new StringBuilder();
    for (int i = 4; i < compact.length(); i++) {
      char c = compact.charAt(i);
      bban.append(Character.isDigit(c) ? (char) ('0' + random.nextInt(10)) : (char) ('A' + random.nextInt(26)));
    }
    String country = compact.substring(0, 2);
    String check = ibanCheckDigits(country, bban.toString());
    return relayout(original.toUpperCase(Locale.ROOT), country + check + bban);
  }

  /** The two ISO 13616 check digits for a country and BBAN. */
  static String ibanCheckDigits(String country, String bban) {
    String rearranged = bban + country + "00";
    StringBuilder numeric = new StringBuilder();
    for (int i = 0; i < rearranged.length(); i++) {
      numeric.append(Character.getNumericValue(rearranged.charAt(i)));
    }
    int check = 98 - new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
    return String.format(Locale.ROOT, "%02d", check);
  }

  private String ssn(String original) {
    int area;
    do {
      area = 1 + random.nextInt(899);
    } while (area == 666);
    String digits = String.format(Locale.ROOT, "%03d%02d%04d", area, 1 + random.nextInt(99), 1 + random.nextInt(9999));
    return original.replaceAll("\\D", "").length() == 9 ? relayout(original, digits) : shaped(original);
  }

  private String ip(String original) {
    if (IPV4.matcher(original.strip()).matches()) {
      String[] nets = {"192.0.2.", "198.51.100.", "203.0.113."};
      return nets[random.nextInt(nets.length)] + (1 + random.nextInt(254));
    }
    return String.format(Locale.ROOT, "2001:db8:%x:%x::%x", random.nextInt(0x10000), random.nextInt(0x10000),
        1 + random.nextInt(0xffff));
  }

  private String date(String original) {
    Matcher iso = DATE_ISO.matcher(original);
    if (iso.matches() && iso.group(2).equals(iso.group(4))) {
      return (1940 + random.nextInt(70)) + iso.group(2) + pad(1 + random.nextInt(12), iso.group(3))
          + iso.group(2) + pad(1 + random.nextInt(28), iso.group(5));
    }
    Matcher dmy = DATE_DMY.matcher(original);
    if (dmy.matches() && dmy.group(2).equals(dmy.group(4))) {
      // day and month both at most 12, so either reading order stays valid
      String year = dmy.group(5).length() == 2
          ? pad(random.nextInt(100), "00") : String.valueOf(1940 + random.nextInt(70));
      return pad(1 + random.nextInt(12), dmy.group(1)) + dmy.group(2) + pad(1 + random.nextInt(12), dmy.group(3))
          + dmy.group(2) + year;
    }
    return shaped(original);
  }

  private static String pad(int v, String like) {
    return like.length() >= 2 ? String.format(Locale.ROOT, "%02d", v) : String.valueOf(v);
  }

  private String phone(String original) {
    StringBuilder sb = new StringBuilder(original.length());
    int keepDigits = original.strip().startsWith("+") ? 1 : 0;
    int seen = 0;
    for (int i = 0; i < original.length(); i++) {
      char c = original.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append(seen < keepDigits ? c : (char) ('0' + random.nextInt(10)));
        seen++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Letters by letters of the same case, digits by digits; everything else stays. */
  String shaped(String original) {
    StringBuilder sb = new StringBuilder(original.length());
    for (int i = 0; i < original.length(); i++) {
      char c = original.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append((char) ('0' + random.nextInt(10)));
      } else if (c >= 'a' && c <= 'z') {
        sb.append((char) ('a' + random.nextInt(26)));
      } else if (c >= 'A' && c <= 'Z') {
        sb.append((char) ('A' + random.nextInt(26)));
      } else if (Character.isLetterOrDigit(c)) {
        sb.append(Character.isUpperCase(c) ? (char) ('A' + random.nextInt(26)) : (char) ('a' + random.nextInt(26)));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Puts {@code compact}'s letters and digits into the layout of {@code original} (same separators). */
  private static String relayout(String original, String compact) {
    StringBuilder sb = new StringBuilder(original.length());
    int j = 0;
    for (int i = 0; i < original.length(); i++) {
      char c = original.charAt(i);
      if (Character.isLetterOrDigit(c) && j < compact.length()) {
        sb.append(compact.charAt(j++));
      } else if (!Character.isLetterOrDigit(c)) {
        sb.append(c);
      }
    }
    sb.append(compact, j, compact.length());
    return sb.toString();
  }
}
