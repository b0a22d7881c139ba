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
    assertThat(back.shifts).isEqualTo(m.shifts);
    assertThat(back.transitions).isEqualTo(m.transitions);
  }

  /**
   * The packed decode sums seven tags in the 16-bit quarters of two longs: at the extremes of the 8-bit range
   * and the largest row shift (every feature of a token at +127 or at -127 for a tag, times 4) a carry into
   * the next tag would show here.
   */
  @Property(tries = 60)
  void packedDecodeEqualsThePlainSumOfEachTagsWeights(@ForAll long seed) {
    Random r = new Random(seed);
    int bits = 10;
    byte[] w = new byte[(1 << bits) * SequenceModel.TAGS];
    int extreme = r.nextInt(3); // 0: random, 1: all +127 / -127 per tag, 2: mixed
    byte[] perTag = new byte[SequenceModel.TAGS];
    for (int y = 0; y < perTag.length; y++) {
      perTag[y] = (byte) (r.nextBoolean() ? SequenceModel.LEVELS : -SequenceModel.LEVELS);
    }
    for (int i = 0; i < w.length; i++) {
      int any = r.nextInt(2 * SequenceModel.LEVELS + 1) - SequenceModel.LEVELS;
      w[i] = extreme == 1 || (extreme == 2 && r.nextBoolean()) ? perTag[i % SequenceModel.TAGS] : (byte) any;
    }
    byte[] shifts = new byte[1 << bits];
    for (int i = 0; i < shifts.length; i++) {
      shifts[i] = (byte) (extreme == 1 ? SequenceModel.MAX_SHIFT : r.nextInt(SequenceModel.MAX_SHIFT + 1));
    }
    float[] t = new float[(SequenceModel.TAGS + 1) * SequenceModel.TAGS];
    SequenceModel m = new SequenceModel(bits, 0.5f, w, shifts, t);
    String text = "Dr. Ngozi Okafor flew to Lagos with ACME Ltd. and met @JaneDoe at 10 Main St, Berlin";
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts facts = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(),
        GazetteerNerEngine.load().analyze(text, "en"), "en");
    int per = ModelFeatures.PER_TOKEN;
    float[] emissions = new float[tk.size * SequenceModel.TAGS];
    m.decode(facts, 0, tk.size, new int[per], emissions);
    int[] feats = new int[tk.size * per];
    ModelFeatures.extract(facts, 0, tk.size, bits, feats);
    for (int tok = 0; tok < tk.size; tok++) {
      for (int y = 0; y < SequenceModel.TAGS; y++) {
        int sum = 0;
        for (int k = 0; k < per; k++) {
          int row = feats[tok * per + k];
          sum += w[row * SequenceModel.TAGS + y] << shifts[row];
        }
        assertThat(emissions[tok * SequenceModel.TAGS + y]).as("token %d tag %d", tok, y).isEqualTo(sum * 0.5f);
      }
    }
  }

  @Test
  void aTokensLargestSumFitsOneSixteenBitQuarter() {
    // more templates per token or a larger shift would let one tag's sum carry into the next
    assertThat(ModelFeatures.PER_TOKEN * (255 << SequenceModel.MAX_SHIFT)).isLessThan(1 << 16);
  }

  @Test
  void quantizesEachRowWithTheSmallestShiftItsLargestWeightFitsIn() {
    int tags = SequenceModel.TAGS;
    float[] w = new float[(1 << 10) * tags];
    w[3] = -5.08f;         // row 0: the largest weight, shift 2, -127 << 2
    w[tags] = 1.0f;        // row 1: largest 1.0 = 100 units of 0.01, fits 127 unshifted
    w[tags + 1] = 0.004f;  // row 1: rounds to 0
    w[2 * tags] = 2.0f;    // row 2: 200 units, needs shift 1 (100 << 1)
    SequenceModel m = SequenceModel.quantize(10, w, new float[(tags + 1) * tags]);
    assertThat(m.scale).isEqualTo(5.08f / (127 << 2));
    assertThat(m.shifts[0]).isEqualTo((byte) 2);
    assertThat(m.weights[3]).isEqualTo((byte) -127);
    assertThat(m.shifts[1]).isEqualTo((byte) 0);
    assertThat(m.weights[tags]).isEqualTo((byte) 100);
    assertThat(m.weights[tags + 1]).isEqualTo((byte) 0);
    assertThat(m.shifts[2]).isEqualTo((byte) 1);
    assertThat(m.weights[2 * tags]).isEqualTo((byte) 100);
    assertThat(m.shifts[3]).isEqualTo((byte) 0);
    assertThat(m.weight(2 * tags)).isEqualTo(200 * m.scale);
  }

  @Test
  void refusesTheSixteenBitFormatWithAMessageThatSaysRetrain() throws IOException {
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    try (var out = new java.io.DataOutputStream(new java.util.zip.GZIPOutputStream(old))) {
      out.writeBytes("VEILNER1");
      out.writeInt(ModelFeatures.VERSION);
      out.writeInt(10);
      out.writeInt(SequenceModel.TAGS);
      out.writeFloat(1f);
    }
    assertThatThrownBy(() -> SequenceModel.read(new ByteArrayInputStream(old.toByteArray())))
        .isInstanceOf(IOException.class).hasMessageContaining("16-bit").hasMessageContaining("retrain");
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
