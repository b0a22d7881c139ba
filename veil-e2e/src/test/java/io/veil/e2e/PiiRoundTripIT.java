package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Labelled texts from the shared data sent through {@code veil serve} with the official Java SDK: no labelled
 * value of a structured type (email, phone, card, IBAN, SSN, IP) may reach the recorded upstream bodies, and the
 * client must get its original text back, whole and streamed, as text and inside streamed tool arguments.
 */
class PiiRoundTripIT {

  private static final int CASES = 60;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static E2eStack.Mock mock;
  private static JavaSdkCalls sdk;
  private static List<PiiCases.Case> cases;

  @BeforeAll
  static void start() {
    cases = PiiCases.load(CASES);
    mock = E2eStack.mock();
    E2eStack.Gateway veil = E2eStack.gateway();
    sdk = new JavaSdkCalls(veil.baseUrl(), veil.apiKey());
  }

  @Test
  void chatRoundTripRestoresAndLeaksNoStructuredValue() {
    int mark = mock.mark();
    SoftAssertions soft = new SoftAssertions();
    for (PiiCases.Case c : cases) {
      soft.assertThat(sdk.chat(c.text())).as("chat answer for %s", c.id()).isEqualTo(c.text());
    }
    assertNoLeaks(soft, mock.recorded(mark), cases.size());
    soft.assertAll();
  }

  @Test
  void streamedChatRoundTripRestoresAndLeaksNoStructuredValue() {
    int mark = mock.mark();
    SoftAssertions soft = new SoftAssertions();
    for (PiiCases.Case c : cases) {
      soft.assertThat(sdk.chatStreamed(c.text()).text()).as("streamed chat answer for %s", c.id())
          .isEqualTo(c.text());
    }
    assertNoLeaks(soft, mock.recorded(mark), cases.size());
    soft.assertAll();
  }

  @Test
  void streamedToolArgumentsAndResponsesRestore() throws Exception {
    int mark = mock.mark();
    SoftAssertions soft = new SoftAssertions();
    List<PiiCases.Case> some = cases.subList(0, Math.min(15, cases.size()));
    for (PiiCases.Case c : some) {
      JsonNode args = MAPPER.readTree(sdk.chatToolCallStreamed(c.text()).arguments());
      soft.assertThat(args.path("text").asText()).as("streamed tool arguments for %s", c.id()).isEqualTo(c.text());
      soft.assertThat(sdk.responseStreamed(c.text()).text()).as("streamed response for %s", c.id())
          .isEqualTo(c.text());
      soft.assertThat(sdk.response(c.text())).as("response for %s", c.id()).isEqualTo(c.text());
    }
    assertNoLeaks(soft, mock.recorded(mark), some.size() * 3);
    soft.assertAll();
  }

  private static void assertNoLeaks(SoftAssertions soft, List<JsonNode> bodies, int expectedRequests) {
    soft.assertThat(bodies).as("requests that reached the provider").hasSize(expectedRequests);
    Map<String, Set<String>> leaked = new TreeMap<>();
    Set<String> persons = new LinkedHashSet<>();
    Set<String> personsLeaked = new LinkedHashSet<>();
    for (PiiCases.Case c : cases) {
      Set<String> l = Leaks.find(bodies, c.structuredValues());
      if (!l.isEmpty()) {
        leaked.put(c.id(), l);
      }
      persons.addAll(c.personValues());
    }
    personsLeaked.addAll(Leaks.find(bodies, persons));
    // names depend on the NER back-end: reported for the lead, not asserted here
    System.out.printf("PiiRoundTripIT: %d of %d labelled PERSON values reached the provider%n",
        personsLeaked.size(), persons.size());
    soft.assertThat(leaked).as("structured values (by example id) that reached the provider").isEmpty();
  }
}
