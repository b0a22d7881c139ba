package io.veil.core.recognizers;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonemetadata;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The claim behind {@link PhoneRecognizer}'s length pre-check: for the regions it tries,
 * {@code isValidNumberForRegion} is false whenever the national significant number's length is not among
 * the possible lengths of the region's general description in the bundled metadata. If a libphonenumber
 * upgrade broke this, the pre-check would hide valid numbers; this test would then fail.
 */
class PhoneLengthPrecheckTest {
  private static final String[] REGIONS = {
      "GB", "DE", "FR", "IT", "NL", "AU", "CH", "BE", "AT", "IE", "BR", "JP", "IN", "US", "ES", "MX", "CN"};
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  @Property(tries = 3000)
  void impossibleLengthsAreNeverValid(@ForAll @IntRange(max = 16) int region, @ForAll @LongRange(max = 999_999_999_999_999L) long nsn,
                                      @ForAll boolean italianZero) {
    String r = REGIONS[region];
    Phonemetadata.PhoneMetadata metadata =
        DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource().getMetadataForRegion(r);
    List<Integer> lengths = metadata.getGeneralDesc().getPossibleLengthList();
    boolean zero = italianZero && r.equals("IT");
    int length = Long.toString(nsn).length() + (zero ? 1 : 0);
    PhoneNumber p = new PhoneNumber().setCountryCode(UTIL.getCountryCodeForRegion(r)).setNationalNumber(nsn);
    if (zero) {
      p.setItalianLeadingZero(true);
    }
    if (!lengths.isEmpty() && !lengths.contains(length)) {
      assertThat(UTIL.isValidNumberForRegion(p, r)).as("%s, %d digits", r, length).isFalse();
    }
  }

  @Property(tries = 500)
  void validNumbersHavePossibleLengths(@ForAll @IntRange(max = 16) int region) {
    String r = REGIONS[region];
    PhoneNumber example = UTIL.getExampleNumber(r);
    List<Integer> lengths = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource()
        .getMetadataForRegion(r).getGeneralDesc().getPossibleLengthList();
    assertThat(UTIL.isValidNumberForRegion(example, r)).isTrue();
    assertThat(lengths.isEmpty() || lengths.contains(UTIL.getNationalSignificantNumber(example).length())).isTrue();
  }
}
