package io.veil.gateway;

/** Replaces personal data in one piece of request text (pseudonymize or anonymize). */
@FunctionalInterface
interface TextTransform {
  String apply(String text);
}
