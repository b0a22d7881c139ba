package io.veil.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidatorsTest {

  @Provide
  Arbitrary<String> digitStrings() {
    return Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(24);
  }

  @Property
  void luhnCheckDigitAlwaysValidates(@ForAll("digitStrings") String payload) {
    assertThat(Luhn.isValid(payload + Luhn.checkDigit(payload))).isTrue();
  }

  @Property
  void luhnCatchesEverySingleDigitChange(@ForAll("digitStrings") String payload,
                                         @ForAll @IntRange(min = 0, max = 30) int pos,
                                         @ForAll @IntRange(min = 1, max = 9) int delta) {
    String valid = payload + Luhn.checkDigit(payload);
    int p = pos % valid.length();
    char changed = (char) ('0' + (valid.charAt(p) - '0' + delta) % 10);
    String broken = valid.substring(0, p) + changed + valid.substring(p + 1);
    assertThat(Luhn.isValid(broken)).isFalse();
  }

  @Property
  void verhoeffCatchesSingleDigitChangesAndAdjacentSwaps(@ForAll("digitStrings") String payload,
                                                         @ForAll @IntRange(min = 0, max = 30) int pos,
                                                         @ForAll @IntRange(min = 1, max = 9) int delta) {
    String valid = payload + Verhoeff.checkDigit(payload);
    assertThat(Verhoeff.isValid(valid)).isTrue();
    int p = pos % valid.length();
    char changed = (char) ('0' + (valid.charAt(p) - '0' + delta) % 10);
    assertThat(Verhoeff.isValid(valid.substring(0, p) + changed + valid.substring(p + 1))).isFalse();
    if (p + 1 < valid.length() && valid.charAt(p) != valid.charAt(p + 1)) {
      String swapped = valid.substring(0, p) + valid.charAt(p + 1) + valid.charAt(p) + valid.substring(p + 2);
      assertThat(Verhoeff.isValid(swapped)).isFalse();
    }
  }

  @Provide
  Arbitrary<String> bbans() {
    return Arbitraries.strings().withCharRange('0', '9').withCharRange('A', 'Z').ofLength(18);
  }

  @Property
  void ibanCheckDigitsValidateAndSingleChangesBreakThem(@ForAll("bbans") String bban,
                                                        @ForAll @IntRange(min = 4, max = 21) int pos,
                                                        @ForAll @IntRange(min = 1, max = 9) int delta) {
    String iban = "DE" + Iban.checkDigits("DE", bban) + bban;
    assertThat(Iban.isValid(iban)).isTrue();
    assertThat(Iban.isValid(iban.toLowerCase())).isTrue();
    char c = iban.charAt(pos);
    char changed = Character.isDigit(c) ? (char) ('0' + (c - '0' + delta) % 10) : (char) ('A' + (c - 'A' + delta) % 26);
    assertThat(Iban.isValid(iban.substring(0, pos) + changed + iban.substring(pos + 1))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "DE89370400440532013000, true", "GB82WEST12345698765432, true", "FR1420041010050500013M02606, true",
      "NL91ABNA0417164300, true", "DE89370400440532013001, false", "DE8937040044053201300, false",
      "XX89370400440532013000, false", "GB82WEST1234569876543, false"})
  void ibanExamples(String iban, boolean valid) {
    assertThat(Iban.isValid(iban)).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({
      "4111111111111111, VISA", "5555555555554444, MASTERCARD", "2223003122003222, MASTERCARD",
      "378282246310005, AMEX", "6011111111111117, DISCOVER", "30569309025904, DINERS",
      "3530111333300000, JCB", "6200000000000005, UNIONPAY", "6759649826438453, MAESTRO"})
  void cardNetworks(String number, CardIssuers.Network network) {
    assertThat(Luhn.isValid(number)).isTrue();
    assertThat(CardIssuers.networkOf(number)).isEqualTo(network);
  }

  @Test
  void keccak256MatchesPublishedVectors() {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(Keccak256.digest(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(hex.formatHex(Keccak256.digest("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // longer than one 136-byte block
    byte[] big = new byte[200];
    assertThat(Keccak256.digest(big)).hasSize(32).isNotEqualTo(Keccak256.digest(new byte[199]));
  }

  @ParameterizedTest
  @CsvSource({
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
  void eip55Vectors(String address) {
    assertThat(Eip55.hasValidChecksum(address)).isTrue();
    assertThat(Eip55.toChecksumAddress(address.toLowerCase().replace("0x", "0x"))).isEqualTo(address);
    String flipped = address.substring(0, 41) + (Character.isUpperCase(address.charAt(41))
        ? Character.toLowerCase(address.charAt(41)) : Character.toUpperCase(address.charAt(41)));
    if (!flipped.equals(address)) {
      assertThat(Eip55.hasValidChecksum(flipped)).isFalse();
    }
  }

  @Test
  void bitcoinAddresses() {
    assertThat(Base58Check.isBitcoinAddress("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).isTrue();
    assertThat(Base58Check.isBitcoinAddress("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")).isTrue();
    assertThat(Base58Check.isBitcoinAddress("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")).isFalse();
    assertThat(Base58Check.isBitcoinAddress("0A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).isFalse();
    assertThat(Bech32.isSegwitAddress("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc")).isTrue();
    assertThat(Bech32.isSegwitAddress("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc")).isTrue();
    assertThat(Bech32.isSegwitAddress("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", "bc")).isTrue();
    assertThat(Bech32.isSegwitAddress("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "bc")).isFalse();
    assertThat(Bech32.isSegwitAddress("bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "9434765919, true", "9434765918, false"})
  void nhs(String v, boolean ok) {
    assertThat(NationalIds.isNhsNumber(v)).isEqualTo(ok);
  }

  @Test
  void nationalIdExamples() {
    assertThat(NationalIds.isGermanTaxId("36574261809")).isTrue();
    assertThat(NationalIds.isGermanTaxId("36574261808")).isFalse();
    assertThat(NationalIds.isFrenchNir("295109912611193")).isTrue();
    assertThat(NationalIds.isFrenchNir("295109912611194")).isFalse();
    assertThat(NationalIds.isItalianFiscalCode("RCCMNL83S18D969H")).isTrue();
    assertThat(NationalIds.isItalianFiscalCode("RCCMNL83S18D969A")).isFalse();
    assertThat(NationalIds.isSpanishDniOrNie("54362315K")).isTrue();
    assertThat(NationalIds.isSpanishDniOrNie("54362315A")).isFalse();
    assertThat(NationalIds.isSpanishDniOrNie("X2482300W")).isTrue();
    assertThat(NationalIds.isDutchBsn("111222333")).isTrue();
    assertThat(NationalIds.isDutchBsn("111222334")).isFalse();
    assertThat(NationalIds.isPolishPesel("44051401359")).isTrue();
    assertThat(NationalIds.isPolishPesel("44051401358")).isFalse();
    assertThat(NationalIds.isAadhaar("234123412346")).isTrue();
    assertThat(NationalIds.isAadhaar("234123412347")).isFalse();
    assertThat(NationalIds.isIndianPan("ACUPA7085R")).isTrue();
    assertThat(NationalIds.isIndianPan("ACUXA7085R")).isFalse();
    assertThat(NationalIds.isCanadianSin("130692544")).isTrue();
    assertThat(NationalIds.isCanadianSin("130692545")).isFalse();
    assertThat(NationalIds.isAustralianTfn("123456782")).isTrue();
    assertThat(NationalIds.isAustralianTfn("123456783")).isFalse();
    assertThat(NationalIds.isSingaporeNric("S1234567D")).isTrue();
    assertThat(NationalIds.isSingaporeNric("S1234567A")).isFalse();
    assertThat(NationalIds.isUkNino("AB123456C")).isTrue();
    assertThat(NationalIds.isUkNino("GB123456C")).isFalse();
    assertThat(NationalIds.isUkNino("AB123456E")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "123456789, true", "000123456, false", "666123456, false", "900123456, false", "123006789, false",
      "123450000, false"})
  void ssnRanges(String v, boolean ok) {
    assertThat(NationalIds.isUsSsn(v)).isEqualTo(ok);
  }

  @ParameterizedTest
  @CsvSource({"912701234, true", "912491234, false", "812701234, false"})
  void itinRanges(String v, boolean ok) {
    assertThat(NationalIds.isUsItin(v)).isEqualTo(ok);
  }
}
