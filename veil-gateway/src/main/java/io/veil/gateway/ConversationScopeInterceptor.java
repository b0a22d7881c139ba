package io.veil.gateway;

import io.veil.core.Scope;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Assigns the conversation scope in which tokens are stable. The tenant is always the key's. The
 * conversation is, in order:
 * <ol>
 *   <li>the {@code X-Veil-Conversation} header ({@code c:} + its value; 1–100 characters of
 *       letters, digits and {@code ._:-});
 *   <li>else a keyed hash of the tenant and the first user message ({@code h:...}), so successive
 *       turns of one conversation (which repeat its first message) share a scope;
 *   <li>else (no user text) a fresh scope for this request.
 * </ol>
 * For an identified end user the conversation is prefixed with (the start of) the user's keyed
 * pseudonym ({@code u:HASH:}), so users never share tokens.
 *
 * <p>A Responses request with {@code previous_response_id} and no header is refused (400
 * {@code veil_conversation_required}): its earlier turns are stored at the provider, so no scope
 * derived from the request itself would keep their placeholders.
 *
 * <p><b>Security:</b> the fallback scope is shared by every anonymous caller of the tenant whose
 * conversation starts with the same message ("Hello", an app's fixed first prompt). Such a scope is
 * marked ({@link #sharedByContent(Scope)}) and {@link PiiInterceptor} restores in it only the tokens
 * of the request at hand, so a caller cannot read another's values by sending their placeholders.
 */
final class ConversationScopeInterceptor implements Interceptor {
  static final String HEADER = "x-veil-conversation";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final String BY_CONTENT = "h:";

  private final Map<Endpoint, ProtocolAdapter> adapters;
  private final GatewaySecret secret;

  ConversationScopeInterceptor(Map<Endpoint, ProtocolAdapter> adapters, GatewaySecret secret) {
    this.adapters = adapters;
    this.secret = secret;
  }

  @Override
  public GatewayResponse intercept(Chain chain) {
    GatewayRequest request = chain.request();
    String tenant = request.key().tenant();
    String header = request.header(HEADER);
    String conversation;
    if (header != null) {
      if (!ID.matcher(header).matches()) {
        throw GatewayException.badRequest(ErrorCodes.INVALID_CONVERSATION,
            "X-Veil-Conversation must be 1-100 characters of letters, digits, '.', '_', ':' or '-'");
      }
      conversation = "c:" + header;
    } else {
      if (request.json() != null && request.json().path("previous_response_id").isTextual()) {
        // the earlier turns are at the provider, not in this request: a scope derived from this
        // request would number its placeholders from 1 again, and they would collide with the
        // earlier turns' placeholders in the model's context
        throw GatewayException.badRequest(ErrorCodes.CONVERSATION_REQUIRED, "A request with 'previous_response_id' "
            + "needs the header X-Veil-Conversation (one id for the whole conversation), so that its placeholders "
            + "stay the same across turns");
      }
      ProtocolAdapter adapter = adapters.get(request.endpoint());
      String first = adapter == null || request.json() == null ? null : adapter.firstUserText(request.json());
      conversation = first == null ? "r:" + UUID.randomUUID() : BY_CONTENT + secret.hash("conversation", tenant, first);
    }
    if (request.stats().pseudonym() != null) {
      // an identified user's tokens never meet another user's, even under the same conversation id; the
      // pseudonym is keyed by the database's own key, so every instance on that database agrees
      conversation = "u:" + request.stats().pseudonym().hex().substring(0, 22) + ":" + conversation;
    }
    return chain.proceed(request.withScope(new Scope(tenant, conversation)));
  }

  /**
   * True for a scope derived from the first user message of an anonymous request (no
   * {@code X-Veil-Conversation}, no end-user identity): strangers may share it.
   */
  static boolean sharedByContent(Scope scope) {
    return scope.conversation().startsWith(BY_CONTENT);
  }
}
