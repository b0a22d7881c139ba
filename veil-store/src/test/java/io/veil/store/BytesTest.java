package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The length-prefixed field encoding under every hash, AD and signature of the store must be
 * injective: two different field lists never encode to the same bytes (else an attacker could move
 * text between fields of an audit record without changing its hash).
 */
class BytesTest {

  @Property
  void differentFieldListsEncodeDifferently(@ForAll @Size(max = 5) List<String> a, @ForAll @Size(max = 5) List<String> b) {
    byte[] ea = Bytes.fields(a.toArray(String[]::new));
    byte[] eb = Bytes.fields(b.toArray(String[]::new));
    assertThat(Arrays.equals(ea, eb)).isEqualTo(a.equals(b));
  }

  @Property
  void splittingAFieldChangesTheEncoding(@ForAll String left, @ForAll String right) {
    assertThat(Bytes.fields(left + right)).isNotEqualTo(Bytes.fields(left, right));
  }

  @Property
  void hexRoundTrips(@ForAll byte[] data) {
    assertThat(Bytes.unhex(Bytes.hex(data))).isEqualTo(data);
  }
}
