package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.PseudonymizedText;
import io.veil.core.Replacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinedPiecesTest {
  private static Finding f(int start, int end, EntityType type) {
    return new Finding(start, end, type, 1.0, "t");
  }

  @Test
  void valueSplitAcrossPiecesGoesWholeToThePieceWhereItStarts() {
    List<String> pieces = List.of("mail jane.doe@", "example.com now", " and ", "4111 1111", " 1111 1111 ok");
    // "mail jane.doe@example.com now and 4111 1111 1111 1111 ok"
    //  0    5                   25       34                53
    String out = "mail <EMAIL_1> now and <CARD_1> ok";
    PseudonymizedText t = new PseudonymizedText(out, List.of(new Replacement(5, 14, EntityType.EMAIL, "placeholder"),
        new Replacement(23, 31, EntityType.CREDIT_CARD, "placeholder")));
    List<String> split = JoinedPieces.split(pieces, List.of(f(5, 25, EntityType.EMAIL), f(34, 53, EntityType.CREDIT_CARD)), t);
    assertThat(split).containsExactly("mail <EMAIL_1>", " now", " and ", "<CARD_1>", " ok");
    assertThat(String.join("", split)).isEqualTo(out);
  }

  @Test
  void boundariesOutsideFindingsStayPut() {
    List<String> pieces = List.of("a ", "jane@x.io", " b", "");
    PseudonymizedText t = new PseudonymizedText("a <EMAIL_1> b",
        List.of(new Replacement(2, 11, EntityType.EMAIL, "placeholder")));
    assertThat(JoinedPieces.split(pieces, List.of(f(2, 11, EntityType.EMAIL)), t))
        .containsExactly("a ", "<EMAIL_1>", " b", "");
    assertThat(JoinedPieces.split(List.of("x", "y"), List.of(), new PseudonymizedText("xy", List.of())))
        .containsExactly("x", "y");
  }

  @Test
  void mismatchIsRefusedNotGuessed() {
    PseudonymizedText t = new PseudonymizedText("<EMAIL_1>", List.of(new Replacement(0, 9, EntityType.EMAIL, "placeholder")));
    assertThatThrownBy(() -> JoinedPieces.split(List.of("a@b.io"), List.of(), t)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JoinedPieces.split(List.of("a@b.io"), List.of(f(0, 6, EntityType.PHONE)), t))
        .isInstanceOf(IllegalStateException.class);
  }
}
