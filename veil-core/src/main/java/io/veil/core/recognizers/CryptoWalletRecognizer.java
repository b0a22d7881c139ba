package io.veil.core.recognizers;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.TextTraits;
import io.veil.core.Trigger;
import io.veil.core.validation.Base58Check;
import io.veil.core.validation.Bech32;
import io.veil.core.validation.Eip55;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cryptocurrency wallet addresses: Bitcoin P2PKH/P2SH (Base58Check, mainnet and testnet), SegWit
 * (Bech32/Bech32m, {@code bc1...}/{@code tb1...}) and Ethereum ({@code 0x} + 40 hex digits; an
 * EIP-55 mixed-case address must carry a valid checksum, a single-case one scores lower).
 */
final class CryptoWalletRecognizer extends TraitScanningRecognizer {
  private static final Trigger TRIGGER = Trigger.minAsciiGraphicRun(26);
  CryptoWalletRecognizer() {
    super("crypto-wallet", Set.of(EntityType.CRYPTO_WALLET),
        Set.of("wallet", "bitcoin", "btc", "ethereum", "eth", "address", "crypto", "send", "usdt"));
  }

  /** Skipped unless every address is one run of 26-90 ASCII letters and digits. */
  @Override
  public Trigger trigger() {
    return TRIGGER;
  }

  /** Candidates are words of 26-90 ASCII letters and digits (an address is one whole such word). */
  @Override
  public List<Finding> analyze(String text, String language, TextTraits traits) {
    checked(text, traits);
    List<Finding> out = new ArrayList<>();
    for (int k = 0, words = traits.wordCount(); k < words; k++) {
      int start = traits.wordStart(k);
      int i = traits.wordEnd(k);
      int len = i - start;
      if (len < 26 || len > 90 || !traits.wordIsAsciiAlnum(k)) {
        continue;
      }
      char c = text.charAt(start);
      String token = text.substring(start, i);
      double score = 0;
      if ((c == '1' || c == '3' || c == 'm' || c == 'n' || c == '2') && len <= 35) {
        score = Base58Check.isBitcoinAddress(token) ? 0.95 : 0;
      } else if (Chars.matchesAt(text, start, "bc1") || Chars.matchesAt(text, start, "tb1")) {
        String hrp = token.substring(0, 2).toLowerCase(java.util.Locale.ROOT);
        score = Bech32.isSegwitAddress(token, hrp) ? 0.95 : 0;
      } else if (len == 42 && c == '0' && Eip55.isAddressShape(token)) {
        if (Eip55.isMixedCase(token)) {
          score = Eip55.hasValidChecksum(token) ? 0.95 : 0;
        } else {
          score = 0.6;
        }
      }
      if (score > 0) {
        out.add(new Finding(start, i, EntityType.CRYPTO_WALLET, score, name()));
      }
    }
    return out;
  }
}
