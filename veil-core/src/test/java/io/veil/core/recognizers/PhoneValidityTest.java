package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The DFA tables answer exactly as libphonenumber's {@code isValidNumberForRegion}, and are current. */
class PhoneValidityTest {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final PhoneValidity VALIDITY = PhoneValidity.load(UTIL);

  static Stream<String> regions() {
    Set<String> r = new LinkedHashSet<>(List.of(PhoneRecognizer.TRUNK_ZERO_REGIONS));
    r.addAll(List.of(PhoneRecognizer.NO_TRUNK_REGIONS));
    return r.stream();
  }

  @Test
  void everyRegionAndCallingCodeOfTheLibraryHasACurrentTable() throws IOException {
    // a table whose metadata fingerprint differs from the library's is not loaded: this fails after a
    // libphonenumber upgrade until the tables are regenerated (see PhoneValidityTablesGenerator)
    try (InputStream in = PhoneValidity.class.getResourceAsStream(PhoneValidity.RESOURCE)) {
      assertThat(in).as("resource " + PhoneValidity.RESOURCE).isNotNull();
    }
    for (int cc : UTIL.getSupportedCallingCodes()) {
      for (String region : UTIL.getRegionCodesForCountryCode(cc)) {
        if (!region.equals(PhoneValidity.NON_GEO)) {
          assertThat(VALIDITY.table(region)).as(region).isNotNull();
        }
      }
    }
  }

  @Test
  void tablesOfAFewRegionsAreExactlyWhatTheGeneratorBuilds() throws IOException {
    // the generator is deterministic: rebuilding some tables from the metadata gives the shipped entries
    byte[] rebuilt = PhoneValidityTablesGenerator.tables(List.of("CH", "FR", "001:800"));
    PhoneValidity fromRebuilt = PhoneValidity.load(UTIL, new java.io.ByteArrayInputStream(rebuilt));
    for (String region : List.of("CH", "FR")) {
      PhoneValidity.Table a = fromRebuilt.table(region);
      PhoneValidity.Table b = VALIDITY.table(region);
      assertThat(a.next()).isEqualTo(b.next());
      assertThat(a.accept()).isEqualTo(b.accept());
    }
  }

  /** isValidNumber over every calling code: the region choice (leading digits, shared codes such as +1) included. */
  @Test
  void isValidNumberAgreesWithLibphonenumber() {
    Random rnd = new Random(42);
    List<PhoneNumber> numbers = new ArrayList<>();
    for (int cc : UTIL.getSupportedCallingCodes()) {
      for (String region : UTIL.getRegionCodesForCountryCode(cc)) {
        for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
          PhoneNumber example = region.equals(PhoneValidity.NON_GEO)
              ? UTIL.getExampleNumberForNonGeoEntity(cc) : UTIL.getExampleNumberForType(region, type);
          if (example != null) {
            numbers.add(example);
            String nsn = Long.toString(example.getNationalNumber());
            for (int k = 0; k < nsn.length(); k++) {
              String changed = nsn.substring(0, k) + (char) ('0' + (nsn.charAt(k) - '0' + 1) % 10) + nsn.substring(k + 1);
              numbers.add(new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(changed)));
            }
          }
        }
      }
      for (int i = 0; i < 300; i++) {
        int len = 4 + rnd.nextInt(12);
        long v = 1 + rnd.nextInt(9);
        for (int k = 1; k < len; k++) {
          v = v * 10 + rnd.nextInt(10);
        }
        PhoneNumber p = new PhoneNumber().setCountryCode(cc).setNationalNumber(v);
        if (rnd.nextInt(8) == 0) {
          p.setItalianLeadingZero(true).setNumberOfLeadingZeros(1 + rnd.nextInt(2));
        }
        numbers.add(p);
      }
    }
    numbers.add(new PhoneNumber().setCountryCode(999).setNationalNumber(12345678L)); // no such calling code
    int valid = 0;
    for (PhoneNumber p : numbers) {
      boolean expected = UTIL.isValidNumber(p);
      valid += expected ? 1 : 0;
      assertThat(VALIDITY.isValidNumber(p)).as("+" + p.getCountryCode() + " " + p.getNationalNumber()).isEqualTo(expected);
    }
    assertThat(valid).isGreaterThan(1000);
  }

  @ParameterizedTest
  @MethodSource("regions")
  void everyRegionHasATable(String region) {
    assertThat(VALIDITY.table(region)).isNotNull();
  }

  @ParameterizedTest
  @MethodSource("regions")
  void agreesWithLibphonenumber(String region) {
    PhoneValidity.Table table = VALIDITY.table(region);
    int cc = UTIL.getCountryCodeForRegion(region);
    List<String> numbers = new ArrayList<>();
    for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
      PhoneNumber example = UTIL.getExampleNumberForType(region, type);
      if (example != null) {
        String nsn = Long.toString(example.getNationalNumber());
        numbers.add(nsn);
        // near misses: one digit changed, one dropped, one added
        for (int k = 0; k < nsn.length(); k++) {
          numbers.add(nsn.substring(0, k) + (char) ('0' + (nsn.charAt(k) - '0' + 1) % 10) + nsn.substring(k + 1));
          numbers.add(nsn.substring(0, k) + nsn.substring(k + 1));
          numbers.add(nsn.substring(0, k) + '5' + nsn.substring(k));
        }
      }
    }
    Random rnd = new Random(region.hashCode());
    for (int i = 0; i < 20_000; i++) {
      int len = 3 + rnd.nextInt(15);
      StringBuilder sb = new StringBuilder().append((char) ('1' + rnd.nextInt(9)));
      for (int k = 1; k < len; k++) {
        sb.append((char) ('0' + rnd.nextInt(10)));
      }
      numbers.add(sb.toString());
    }
    int valid = 0;
    for (String s : numbers) {
      if (s.isEmpty() || s.charAt(0) == '0' || s.length() > 17) {
        continue;
      }
      PhoneNumber p = new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(s));
      boolean expected = UTIL.isValidNumberForRegion(p, region);
      valid += expected ? 1 : 0;
      assertThat(table.valid(s)).as(region + " " + s).isEqualTo(expected);
      if (region.equals("IT")) {
        PhoneNumber it = new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(s))
            .setItalianLeadingZero(true);
        assertThat(table.valid("0" + s)).as("IT 0" + s).isEqualTo(UTIL.isValidNumberForRegion(it, "IT"));
      }
    }
    assertThat(valid).as("valid numbers among those tried").isGreaterThan(10);
  }
}
