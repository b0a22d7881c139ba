package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SequenceModelTest {

  @Property(tries = 200)
  void viterbiNeverPutsAnInsideTagAfterAnotherType(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
    Random r = new Random(seed);
    int tags = SequenceModel.TAGS;
    float[] emissions = new float[n * tags];
    for (int i = 0; i < emissions.length; i++) {
      emissions[i] = (float) r.nextGaussian() * 3;
    }
    float[] trans = new float[(tags + 1) * tags];
    for (int i = 0; i < trans.length; i++) {
      trans[i] = (float) r.nextGaussian();
    }
    int[] path = SequenceModel.viterbi(emissions, n, trans);
    int prev = 0;
    for (int t : path) {
      assertThat(SequenceModel.allowed(prev, t)).as("%s after %s", t, prev).isTrue();
      prev = t;
    }
  }

  @Test
  void viterbiFindsTheBestPathOfASmallCase() {
    // brute force over all allowed paths of length 3
    Random r = new Random(7);
    int tags = SequenceModel.TAGS;
    float[] e = new float[3 * tags];
    float[] trans = new float[(tags + 1) * tags];
    for (int i = 0; i < e.length; i++) {
      e[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < trans.length; i++) {
      trans[i] = (float) r.nextGaussian();
    }
    float best = Float.NEGATIVE_INFINITY;
    int[] arg = null;
    for (int a = 0; a < tags; a++) {
      for (int b = 0; b < tags; b++) {
        for (int c = 0; c < tags; c++) {
          if (!SequenceModel.allowed(0, a) || !SequenceModel.allowed(a, b) || !SequenceModel.allowed(b, c)) {
            continue;
          }
          float s = trans[tags * tags + a] + e[a] + trans[a * tags + b] + e[tags + b] + trans[b * tags + c] + e[2 * tags + c];
          if (s > best) {
            best = s;
            arg = new int[] {a, b, c};
          }
        }
      }
    }
    assertThat(SequenceModel.viterbi(e, 3, trans)).isEqualTo(arg);
  }

  private static SequenceModel sample() {
    Random r = new Random(1);
    float[] w = new float[(1 << 10) * SequenceModel.TAGS];
    for (int i = 0; i < w.length; i += 3) {
      w[i] = (float) r.nextGaussian();
    }
    float[] t = new float[(SequenceModel.TAGS + 1) * SequenceModel.TAGS];
    Arrays.fill(t, 0.25f);
    return SequenceModel.quantize(10, w, t);
  }

  @Test
  void writesTheSameBytesEveryTimeAndReadsThemBack() throws IOException {
    SequenceModel m = sample();
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    m.write(a);
    m.write(b);
    assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
    SequenceModel back = SequenceModel.read(new ByteArrayInputStream(a.toByteArray()));
    assertThat(back.bits).isEqualTo(10);
    assertThat(back.scale).isEqualTo(m.scale);
    assertThat(back.weights).isEqualTo(m.weights);
    assertThat(back.transitions).isEqualTo(m.transitions);
  }

  @Test
  void refusesDamagedFilesWithoutQuotingThem() throws IOException {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    sample().write(a);
    byte[] bytes = a.toByteArray();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    assertThatThrownBy(() -> SequenceModel.read(new ByteArrayInputStream(truncated))).isInstanceOf(IOException.class);
    ByteArrayOutputStream junk = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(junk)) {
      gz.write("NOTAMODEL and some text".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> SequenceModel.read(new ByteArrayInputStream(junk.toByteArray())))
        .isInstanceOf(IOException.class).hasMessage("not a Veil NER model");
  }
}
