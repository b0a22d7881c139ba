package io.veil.core.recognizers;

import io.veil.core.Recognizer;
import java.util.List;

/**
 * The built-in pattern recognizers for structured data and secrets: e-mail, URL, IP and MAC
 * addresses, payment cards (Luhn + issuer ranges), IBAN (mod-97), phone numbers (libphonenumber),
 * US SSN/ITIN, national ids with check digits, crypto wallets, dates and dates of birth, ages,
 * passport/driver's licence/bank account/medical record numbers (keyword-led), credentials in
 * key/value form, API keys/private keys/JWTs, and social-media {@code @handle} mentions (USERNAME).
 *
 * <p>Every recognizer scans the text with a hand-written linear-time scanner triggered by cheap
 * markers ('@', "://", digit runs, fixed prefixes) and validates candidates locally; none uses a
 * backtracking regular expression.
 *
 * <p>Thread safety: the recognizers are immutable and shared.
 */
public final class BuiltInRecognizers {
  private static final List<Recognizer> ALL = List.of(
      new EmailRecognizer(),
      new MentionRecognizer(),
      new UrlRecognizer(),
      new IpAddressRecognizer(),
      new MacAddressRecognizer(),
      new CreditCardRecognizer(),
      new IbanRecognizer(),
      new PhoneRecognizer(),
      new UsSsnRecognizer(),
      new NationalIdRecognizer(),
      new CryptoWalletRecognizer(),
      new DateRecognizer(),
      new AgeRecognizer(),
      new KeywordValueRecognizer(),
      new CredentialRecognizer(),
      new SecretRecognizer());

  private BuiltInRecognizers() {}

  /** Every built-in pattern recognizer, ready to share between threads. */
  public static List<Recognizer> all() {
    return ALL;
  }
}
