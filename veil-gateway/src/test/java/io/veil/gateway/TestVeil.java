package io.veil.gateway;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Policy;
import io.veil.core.Recognizer;
import io.veil.core.Veil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Veil (vault, pseudonymize, restore, streaming) with the policy's analyzer plus two
 * simple recognizers (e-mail, 16-digit card), so gateway tests do not depend on the state of the
 * built-in recognizers: what is under test here is that every text goes through Veil.
 */
final class TestVeil {
  private TestVeil() {}

  static Veil create() {
    return create(null);
  }

  /** As {@link #create()}, with the given vault (null: in memory). */
  static Veil create(io.veil.core.TokenVault vault) {
    return create(vault, null);
  }

  /** As {@link #create(io.veil.core.TokenVault)}, with the given policy's operators (null: the default policy). */
  static Veil create(io.veil.core.TokenVault vault, Policy policy) {
    Recognizer simple = new Recognizer() {
      private final Pattern email = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\\.[A-Za-z]{2,10}");
      private final Pattern card = Pattern.compile("\\b\\d{4}( ?\\d{4}){3}\\b");

      @Override
      public String name() {
        return "test-simple";
      }

      @Override
      public Set<EntityType> entityTypes() {
        return Set.of(EntityType.EMAIL, EntityType.CREDIT_CARD);
      }

      @Override
      public List<Finding> analyze(String text, String language) {
        List<Finding> out = new ArrayList<>();
        for (Matcher m = email.matcher(text); m.find(); ) {
          out.add(new Finding(m.start(), m.end(), EntityType.EMAIL, 0.99, name()));
        }
        for (Matcher m = card.matcher(text); m.find(); ) {
          out.add(new Finding(m.start(), m.end(), EntityType.CREDIT_CARD, 0.99, name()));
        }
        return out;
      }
    };
    Analyzer base = Policy.defaults().newAnalyzer();
    Analyzer analyzer = Analyzer.builder().addRecognizers(base.recognizers()).addRecognizer(simple).build();
    Veil.Builder b = Veil.builder().analyzer(analyzer);
    if (vault != null) {
      b.vault(vault);
    }
    if (policy != null) {
      b.policy(policy);
    }
    return b.build();
  }
}
