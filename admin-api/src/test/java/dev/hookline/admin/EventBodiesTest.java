package dev.hookline.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event bodies parsed once: the same tree as the general reader, and the data as sent. */
class EventBodiesTest {
  @Test
  void keepsTheDataAsSentWithoutTheWhitespaceBetweenTokens() {
    String data =
        "{ \"note\" : \"two  spaces, a \\\"quote\\\" and \\\\\" ,\n"
            + "\t\"n\": [1, 2.50, -3e2 ], \"é\": { } , \"u\": \"\\u0041\\n\" }";
    String body = "{\"type\": \"payment_received\", \"data\": " + data + " , \"key\": null}";

    EventBodies parsed = EventBodies.parse(utf8(body));

    assertThat(parsed).isNotNull();
    assertThat(parsed.tree()).isEqualTo(Requests.parseObject(utf8(body)));
    byte[] sent = parsed.dataOf(parsed.tree().get("data"));
    assertThat(new String(sent, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"note\":\"two  spaces, a \\\"quote\\\" and \\\\\",\"n\":[1,2.50,-3e2],\"é\":{},"
                + "\"u\":\"\\u0041\\n\"}");
    assertThat(Requests.parseObject(sent)).isEqualTo(parsed.tree().get("data"));
  }

  @Test
  void keepsTheDataOfEachEventOfABatch() {
    String body =
        "{\"events\": [{\"type\":\"a\",\"data\":{\"i\": 0}}, 7, {\"data\": {\"i\" :1},"
            + " \"itemKey\": \"k\"}, {\"data\": \"not an object\"}]}";

    EventBodies parsed = EventBodies.parse(utf8(body));

    assertThat(parsed).isNotNull();
    assertThat(parsed.tree()).isEqualTo(Requests.parseObject(utf8(body)));
    JsonNode events = parsed.tree().get("events");
    assertThat(parsed.dataOf(events.get(0).get("data"))).isEqualTo(utf8("{\"i\":0}"));
    assertThat(parsed.dataOf(events.get(2).get("data"))).isEqualTo(utf8("{\"i\":1}"));
    assertThat(parsed.dataOf(events.get(3).get("data"))).isNull();
    assertThat(parsed.dataOf(events.get(1).get("data"))).isNull();
  }

  @Test
  void keepsNothingOfADataNotInAnEventsPlace() {
    String body = "{\"other\": {\"data\": {\"i\": 0}}, \"data\": {\"i\": 1}}";

    EventBodies parsed = EventBodies.parse(utf8(body));

    assertThat(parsed.tree()).isEqualTo(Requests.parseObject(utf8(body)));
    assertThat(parsed.dataOf(parsed.tree().get("other").get("data"))).isNull();
    assertThat(parsed.dataOf(parsed.tree().get("data"))).isEqualTo(utf8("{\"i\":1}"));
  }

  /** Left to the general reader, which names what is wrong. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"a\",\"data\":{\"x\":1}} {}",
        "{\"type\":\"a\",\"type\":\"b\",\"data\":{}}",
        "{\"type\":\"a\",\"data\":{\"x\":1,\"x\":2}}",
        "{\"events\":[{\"data\":{\"x\":1,\"x\":2}}]}",
        // duplicate keys anywhere, found by the tree rather than the parser (stop 32)
        "{\"type\":\"a\",\"data\":{\"x\":{\"y\":1,\"z\":2,\"y\":3}}}",
        "{\"type\":\"a\",\"data\":{\"x\":[{\"y\":1},{\"y\":1,\"y\":1}]}}",
        "{\"type\":\"a\",\"data\":{\"x\":null,\"x\":null}}",
        "{\"type\":null,\"data\":{},\"type\":null}",
        "{\"data\":{},\"data\":{}}",
        "{\"other\":{\"y\":1,\"y\":2},\"data\":{}}",
        "{\"events\":[{\"type\":\"a\",\"type\":\"a\",\"data\":{}}]}",
        "{\"events\":[],\"events\":[]}",
        "{\"events\":[[{\"x\":1,\"x\":1}]]}",
        "{\"type\":\"a\",\"data\":{\"x\":1}",
        "[{\"type\":\"a\"}]",
        "\"text\"",
        "{\"data\":{\"x\":01}}",
      })
  void refusesWhatTheGeneralReaderRefuses(String body) {
    assertThat(EventBodies.parse(utf8(body))).isNull();
    // and the general reader answers it 400, as a request would be answered
    assertThatThrownBy(() -> EventBodies.of(utf8(body)))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(400));
  }

  @Test
  void compactsOnlyOutsideStrings() {
    byte[] json = utf8("[ \"a b\\\\\" , \"\\\" c\" ]");
    assertThat(EventBodies.compact(json, 0, json.length))
        .isEqualTo(utf8("[\"a b\\\\\",\"\\\" c\"]"));
    byte[] tight = utf8("{\"a\":1}");
    assertThat(EventBodies.compact(tight, 0, tight.length)).isEqualTo(tight);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
