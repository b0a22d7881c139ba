package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven tests of the built-in recognizers through the default {@link Analyzer} (context
 * boost and threshold 0.5 included): each row is a text, the type expected and the exact value
 * expected, or {@code null} when nothing of that type may be reported.
 */
class BuiltInRecognizersTest {
  private static final Analyzer ANALYZER = Analyzer.builder().addRecognizers(BuiltInRecognizers.all()).build();

  static Stream<Arguments> rows() {
    return Stream.of(
        // EMAIL
        row("Write to jane.doe+news@example.co.uk today.", EntityType.EMAIL, "jane.doe+news@example.co.uk"),
        row("mail me: MatthiasHimmel@armyspy.com", EntityType.EMAIL, "MatthiasHimmel@armyspy.com"),
        row("the handle @jane is not an address", EntityType.EMAIL, null),
        // decomposed accents (NFD, as macOS and some keyboards produce): combining marks are part of the address
        row("Mail jose\u0301.mu\u0308ller@example.com now", EntityType.EMAIL, "jose\u0301.mu\u0308ller@example.com"),
        row("Mail jane@exa\u0308mple.com now", EntityType.EMAIL, "jane@exa\u0308mple.com"),
        row("user@localhost has no TLD", EntityType.EMAIL, null),
        // URL
        row("See https://example.com/a?b=c (docs).", EntityType.URL, "https://example.com/a?b=c"),
        row("Visit www.DigitalFairs.se/ now", EntityType.URL, "www.DigitalFairs.se/"),
        row("Our website is acme-shop.de for orders", EntityType.URL, "acme-shop.de"),
        row("It ends. Then starts again.", EntityType.URL, null),
        row("bare example.com without context", EntityType.URL, null),
        // IP
        row("server at 192.168.10.254 is down", EntityType.IP_ADDRESS, "192.168.10.254"),
        row("ipv6 2001:db8::8a2e:370:7334 here", EntityType.IP_ADDRESS, "2001:db8::8a2e:370:7334"),
        row("full 6e40:4041:c617:e898:c11:40d2:c669:2eb4.", EntityType.IP_ADDRESS, "6e40:4041:c617:e898:c11:40d2:c669:2eb4"),
        row("not an ip 256.1.1.1 or 1.2.3", EntityType.IP_ADDRESS, null),
        row("upgrade to version 1.2.3.4 today", EntityType.IP_ADDRESS, null),
        row("meet at 12:30:45 today", EntityType.IP_ADDRESS, null),
        // MAC
        row("mac 00:1A:2B:3C:4D:5E on eth0", EntityType.MAC_ADDRESS, "00:1A:2B:3C:4D:5E"),
        row("mac 00-1a-2b-3c-4d-5e", EntityType.MAC_ADDRESS, "00-1a-2b-3c-4d-5e"),
        row("mixed 00:1A-2B:3C:4D:5E", EntityType.MAC_ADDRESS, null),
        // CREDIT_CARD
        row("card 4111 1111 1111 1111 exp 12/27", EntityType.CREDIT_CARD, "4111 1111 1111 1111"),
        row("pay with 5555-5555-5555-4444.", EntityType.CREDIT_CARD, "5555-5555-5555-4444"),
        row("amex 378282246310005", EntityType.CREDIT_CARD, "378282246310005"),
        row("mc 2223003122003222", EntityType.CREDIT_CARD, "2223003122003222"),
        row("card 4111 1111 1111 1112 (bad checksum)", EntityType.CREDIT_CARD, null),
        row("order 1234567812345670 shipped", EntityType.CREDIT_CARD, null),
        // IBAN
        row("IBAN DE89 3704 0044 0532 0130 00, thanks", EntityType.IBAN, "DE89 3704 0044 0532 0130 00"),
        row("to GB82WEST12345698765432.", EntityType.IBAN, "GB82WEST12345698765432"),
        row("lower gb82west12345698765432 works", EntityType.IBAN, "gb82west12345698765432"),
        row("bad DE89370400440532013001", EntityType.IBAN, null),
        // PHONE
        row("Call me at +44 20 7946 0958 tomorrow", EntityType.PHONE, "+44 20 7946 0958"),
        row("phone: (212) 555-0142 x123", EntityType.PHONE, "(212) 555-0142 x123"),
        row("You can reach me on 030 12345678", EntityType.PHONE, "030 12345678"),
        row("Our office: 001-253-366-9781", EntityType.PHONE, "001-253-366-9781"),
        row("We shipped 1500 units in 2019.", EntityType.PHONE, null),
        row("The house is at 3747 3911 Fourth Avenue", EntityType.PHONE, null),
        row("Born 1985-11-18 in Paris", EntityType.PHONE, null),
        // US_SSN
        row("SSN 123-45-6789", EntityType.US_SSN, "123-45-6789"),
        row("my ssn is 123456789", EntityType.US_SSN, "123456789"),
        row("id 666-45-6789", EntityType.US_SSN, null),
        row("id 123-00-6789", EntityType.US_SSN, null),
        row("order 123456789 shipped", EntityType.US_SSN, null),
        row("ITIN 912-70-1234", EntityType.NATIONAL_ID, "912-70-1234"),
        // NATIONAL_ID
        row("NHS number 943 476 5919", EntityType.NATIONAL_ID, "943 476 5919"),
        row("NINO AB 12 34 56 C", EntityType.NATIONAL_ID, "AB 12 34 56 C"),
        row("Steuer-IdNr 36 574 261 809", EntityType.NATIONAL_ID, "36 574 261 809"),
        row("NIR 2 95 10 99 126 111 93", EntityType.NATIONAL_ID, "2 95 10 99 126 111 93"),
        row("codice fiscale RCCMNL83S18D969H", EntityType.NATIONAL_ID, "RCCMNL83S18D969H"),
        row("DNI 54362315-K", EntityType.NATIONAL_ID, "54362315-K"),
        row("NIE X2482300W", EntityType.NATIONAL_ID, "X2482300W"),
        row("mijn BSN is 111222333", EntityType.NATIONAL_ID, "111222333"),
        row("PESEL 44051401359", EntityType.NATIONAL_ID, "44051401359"),
        row("Aadhaar 2341 2341 2346", EntityType.NATIONAL_ID, "2341 2341 2346"),
        row("PAN ACUPA7085R", EntityType.NATIONAL_ID, "ACUPA7085R"),
        row("SIN 130 692 544", EntityType.NATIONAL_ID, "130 692 544"),
        row("my TFN is 123 456 782", EntityType.NATIONAL_ID, "123 456 782"),
        row("NRIC S1234567D", EntityType.NATIONAL_ID, "S1234567D"),
        row("the code 111222333 was sent", EntityType.NATIONAL_ID, null),
        row("NRIC S1234567A", EntityType.NATIONAL_ID, null),
        // CRYPTO_WALLET
        row("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa please", EntityType.CRYPTO_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        row("btc bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", EntityType.CRYPTO_WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        row("eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", EntityType.CRYPTO_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
        row("eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", EntityType.CRYPTO_WALLET, null),
        row("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb please", EntityType.CRYPTO_WALLET, null),
        // DATE / DATE_OF_BIRTH / AGE
        row("Meeting on 2024-05-17 at noon", EntityType.DATE, "2024-05-17"),
        row("When: 1978-07-13 07:00:28", EntityType.DATE, "1978-07-13 07:00:28"),
        row("since 2/10/1985 it rains", EntityType.DATE, "2/10/1985"),
        row("due 17 May 2024", EntityType.DATE, "17 May 2024"),
        row("due March 3, 2021.", EntityType.DATE, "March 3, 2021"),
        row("She was born on 9/20/1968.", EntityType.DATE_OF_BIRTH, "9/20/1968"),
        row("DOB: 03.04.1971", EntityType.DATE_OF_BIRTH, "03.04.1971"),
        row("you may 5 times", EntityType.DATE, null),
        row("ratio 13/45/2000", EntityType.DATE, null),
        row("He is a 50 year old man", EntityType.AGE, "50"),
        row("retired at the age of 61", EntityType.AGE, "61"),
        row("aged 42, lives alone", EntityType.AGE, "42"),
        row("we sold 50 cars", EntityType.AGE, null),
        // PASSPORT / DRIVER_LICENSE / BANK_ACCOUNT / MEDICAL_ID
        row("My passport number is X1234567", EntityType.PASSPORT, "X1234567"),
        row("My driver's license number is LH329609T", EntityType.DRIVER_LICENSE, "LH329609T"),
        row("account number: 12345678", EntityType.BANK_ACCOUNT, "12345678"),
        row("patient MRN 00123456", EntityType.MEDICAL_ID, "00123456"),
        row("my passport expired last year", EntityType.PASSPORT, null),
        row("X1234567 alone", EntityType.PASSPORT, null),
        // USERNAME / PASSWORD
        row("username: jdoe42 password: hunter2!", EntityType.USERNAME, "jdoe42"),
        row("username: jdoe42 password: hunter2!", EntityType.PASSWORD, "hunter2!"),
        row("DB_PASSWORD=\"s3cr3t pass\"", EntityType.PASSWORD, "s3cr3t pass"),
        row("my password is Tr0ub4dor&3.", EntityType.PASSWORD, "Tr0ub4dor&3"),
        row("pwd=abc123", EntityType.PASSWORD, "abc123"),
        // a quote or bracket inside an unquoted value belongs to it; one that closes the value ends it
        row("my password: Tr0u\"b\\4dor now", EntityType.PASSWORD, "Tr0u\"b\\4dor"),
        row("password=pa'ss(w)ord]x", EntityType.PASSWORD, "pa'ss(w)ord]x"),
        row("\"password=abc123\" was set", EntityType.PASSWORD, "abc123"),
        row("{password: abc123}", EntityType.PASSWORD, "abc123"),
        row("login(user, password=abc123)", EntityType.PASSWORD, "abc123"),
        row("'password=abc123', 'user=x'", EntityType.PASSWORD, "abc123"),
        row("[password=abc123];", EntityType.PASSWORD, "abc123"),
        row("Server=db;Password=abc123;User=sa", EntityType.PASSWORD, "abc123"),
        row("password: ********", EntityType.PASSWORD, null),
        row("reset your password is easy", EntityType.PASSWORD, null),
        row("User: Hello there", EntityType.USERNAME, null),
        row("the passenger=ok", EntityType.PASSWORD, null),
        // API_KEY
        row("aws AKIAIOSFODNN7EXAMPLE key", EntityType.API_KEY, "AKIAIOSFODNN7EXAMPLE"),
        row("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", EntityType.API_KEY,
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        row("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345", EntityType.API_KEY,
            "sk-proj-abcdefghijklmnopqrstuvwxyz012345"),
        row("use sk-abcdefghijklmnopqrstuvwxyz0123 now", EntityType.API_KEY, "sk-abcdefghijklmnopqrstuvwxyz0123"),
        row("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok", EntityType.API_KEY,
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        row("slack xoxb-123456789012-abcdefghijkl", EntityType.API_KEY, "xoxb-123456789012-abcdefghijkl"),
        row("stripe sk_live_abcdefghijklmnop1234", EntityType.API_KEY, "sk_live_abcdefghijklmnop1234"),
        row("google AIzaSyA-abcdefghijklmnopqrstuvwxyz01234 ok", EntityType.API_KEY,
            "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234"),
        row("jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end",
            EntityType.API_KEY,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        row("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\nthanks",
            EntityType.API_KEY,
            "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----"),
        row("api_key=abcd1234efgh5678", EntityType.API_KEY, "abcd1234efgh5678"),
        row("Authorization: Bearer abc.def.ghi-123456", EntityType.API_KEY, "abc.def.ghi-123456"),
        row("eyJub3QiOiJqd3QifQ.eyJ4IjoxfQ.abc is no JWT (no alg)", EntityType.API_KEY, null),
        row("the skeleton key-ring", EntityType.API_KEY, null));
  }

  private static Arguments row(String text, EntityType type, String value) {
    return Arguments.of(text, type, value);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void detects(String text, EntityType type, String expected) {
    List<String> values = ANALYZER.analyze(text).stream()
        .filter(f -> f.type().equals(type))
        .map(f -> f.value(text))
        .toList();
    if (expected == null) {
      assertThat(values).isEmpty();
    } else {
      assertThat(values).contains(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("rows")
  void everyRecognizerReturnsSpansInsideTheText(String text, EntityType type, String expected) {
    for (var r : BuiltInRecognizers.all()) {
      for (Finding f : r.analyze(text, null)) {
        assertThat(f.end()).isLessThanOrEqualTo(text.length());
        assertThat(r.entityTypes()).contains(f.type());
      }
    }
  }
}
