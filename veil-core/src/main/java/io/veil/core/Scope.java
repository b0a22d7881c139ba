package io.veil.core;

import java.util.Objects;

/**
 * The scope within which tokens are stable: one conversation of one tenant. The same value always
 * gets the same token inside a scope; a token minted in one scope is never restored in another.
 *
 * <p><b>Security:</b> scopes are the isolation boundary between tenants; always build them from the
 * authenticated tenant, never from a client-supplied tenant name.
 *
 * @param tenant the authenticated tenant, 1–128 characters
 * @param conversation the conversation id, 1–128 characters
 */
public record Scope(String tenant, String conversation) {
  public Scope {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(conversation, "conversation");
    if (tenant.isEmpty() || tenant.length() > 128) {
      throw new IllegalArgumentException("tenant must be 1-128 characters");
    }
    if (conversation.isEmpty() || conversation.length() > 128) {
      throw new IllegalArgumentException("conversation must be 1-128 characters");
    }
  }
}
