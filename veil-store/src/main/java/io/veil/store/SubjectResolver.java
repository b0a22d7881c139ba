package io.veil.store;

import io.veil.core.Scope;

/**
 * Names the data subject who owns the values tokenized in a scope, so that the vault encrypts them
 * with that subject's key (and erasing the subject shreds them).
 *
 * <p>Used by {@link JdbcTokenVault#tokenize(Scope, io.veil.core.EntityType, String, java.util.function.Function)},
 * the {@link io.veil.core.TokenVault} method that has no subject argument; callers that know the end
 * user call {@link JdbcTokenVault#tokenize(Scope, Subject, io.veil.core.EntityType, String, java.util.function.Function)}.
 */
@FunctionalInterface
public interface SubjectResolver {

  /** The owner of the scope's values. Must not return null. */
  Subject subjectOf(Scope scope);

  /**
   * Every conversation is its own subject ({@code conversation:<id>} of the scope's tenant): erasure
   * then works per conversation. The default where the gateway has no user id.
   */
  static SubjectResolver perConversation() {
    return scope -> new Subject(scope.tenant(), "conversation:" + scope.conversation());
  }
}
