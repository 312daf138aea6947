package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsLiteralTest {
  @Test
  void parsesMinifiedObjectLiterals() {
    JsonNode n =
        JsLiteral.parse(
            "{a:1,'b':\"x\\\"y\",c:[.5,-.25,1e-3,-0,2E+2],d:!0,e:!1,f:null,g:{},h:[],"
                + "\"quoted key\":'it\\'s',i:\"\\u00e9\\n\",j:[[0,1],[0,1]],k:12345678901,}");
    assertThat(n.get("a").asInt()).isEqualTo(1);
    assertThat(n.get("b").asText()).isEqualTo("x\"y");
    assertThat(n.get("c").get(0).asDouble()).isEqualTo(0.5);
    assertThat(n.get("c").get(1).asDouble()).isEqualTo(-0.25);
    assertThat(n.get("c").get(2).asDouble()).isEqualTo(0.001);
    assertThat(n.get("c").get(3).asDouble()).isEqualTo(-0.0);
    assertThat(n.get("c").get(4).asDouble()).isEqualTo(200.0);
    assertThat(n.get("d").asBoolean()).isTrue();
    assertThat(n.get("e").isBoolean()).isTrue();
    assertThat(n.get("e").asBoolean()).isFalse();
    assertThat(n.get("f").isNull()).isTrue();
    assertThat(n.get("g").isObject()).isTrue();
    assertThat(n.get("h").isArray()).isTrue();
    assertThat(n.get("quoted key").asText()).isEqualTo("it's");
    assertThat(n.get("i").asText()).isEqualTo("é\n");
    assertThat(n.get("j").get(1).get(1).asInt()).isEqualTo(1);
    assertThat(n.get("k").asLong()).isEqualTo(12345678901L);
  }

  @Test
  void parsesAValueInsideLargerCode() {
    String js = "var x=function(){a.exports={modelTopology:{n:1}}};";
    JsonNode n = JsLiteral.parseAt(js, js.indexOf('{', js.indexOf("exports")));
    assertThat(n.at("/modelTopology/n").asInt()).isEqualTo(1);
  }

  @Test
  void refusesCodeItDoesNotEvaluate() {
    assertThatThrownBy(() -> JsLiteral.parse("{a:foo()}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported identifier 'foo'")
        .hasMessageContaining("offset");
    assertThatThrownBy(() -> JsLiteral.parse("{a:1"))
        .hasMessageContaining("unexpected end of input");
    assertThatThrownBy(() -> JsLiteral.parse("[1 2]")).hasMessageContaining("expected ','");
    assertThatThrownBy(() -> JsLiteral.parse("'abc")).hasMessageContaining("unterminated string");
  }
}
