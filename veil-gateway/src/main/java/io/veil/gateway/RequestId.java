package io.veil.gateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The correlation id of one request: the client's {@code X-Request-Id} when it is 1-128 characters of
 * {@code [A-Za-z0-9._:-]}, otherwise a new random one (32 hex digits). Veil returns it as
 * {@code x-veil-request-id} (the provider's own {@code x-request-id} is passed through untouched: the OpenAI
 * SDKs read that one for support tickets) and writes it in the access log and in its error logs.
 *
 * <p>Thread safety: stateless apart from a thread-safe {@link SecureRandom}.
 *
 * <p><b>Security:</b> a client value is logged only when it matches the pattern above, which leaves no room
 * for a name, e-mail address or other free text with spaces or {@code @}; anything else (including a value that
 * might carry personal data or log-forging line breaks) is replaced, never quoted or truncated. An accepted id
 * could still be an opaque identifier a client chose (a phone number in digits, say): clients should send
 * random ids.
 */
final class RequestId {
  /** The request header a client may set, lower case. */
  static final String REQUEST_HEADER = "x-request-id";
  /** The response header Veil answers with. */
  static final String RESPONSE_HEADER = "x-veil-request-id";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestId() {}

  /** The client's id when valid (see the class comment), else a new random one; {@code clientValue} may be null. */
  static String accept(String clientValue) {
    if (clientValue != null && clientValue.length() <= 128 && VALID.matcher(clientValue).matches()) {
      return clientValue;
    }
    return generate();
  }

  /** 128 random bits as 32 lower-case hex digits. */
  static String generate() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
