/**
 * Small, reusable check-digit and structure validators (Luhn, ISO 13616 IBAN, Verhoeff, Base58Check,
 * Bech32, EIP-55, national identifiers). Every method is static, pure, thread-safe and allocation-light;
 * none throws on malformed input (it answers {@code false}) and none logs or keeps its input.
 */
package io.veil.core.validation;
