package dev.streammod.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TfjsLayersModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode modelJson(String weights) throws Exception {
    return JSON.readTree(
        "{\"modelTopology\":{\"class_name\":\"Model\",\"config\":{\"layers\":[]}},"
            + "\"weightsManifest\":[{\"paths\":[\"a\",\"b\"],\"weights\":["
            + weights
            + "]}]}");
  }

  @Test
  void dequantisesLikeTfjsAcrossShards() throws Exception {
    JsonNode json =
        modelJson(
            "{\"name\":\"u8\",\"shape\":[3],\"dtype\":\"float32\","
                + "\"quantization\":{\"min\":-1.5,\"scale\":0.1,\"dtype\":\"uint8\"}},"
                + "{\"name\":\"u16\",\"shape\":[2],\"dtype\":\"float32\","
                + "\"quantization\":{\"min\":-0,\"scale\":0.001,\"dtype\":\"uint16\"}},"
                + "{\"name\":\"f16\",\"shape\":[2],\"dtype\":\"float32\","
                + "\"quantization\":{\"dtype\":\"float16\"}},"
                + "{\"name\":\"f32\",\"shape\":[1,1],\"dtype\":\"float32\"}");
    ByteBuffer b = ByteBuffer.allocate(3 + 4 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0).put((byte) 15).put((byte) 255);
    b.putShort((short) 1000).putShort((short) 65535);
    b.putShort((short) 0x3C00).putShort((short) 0xC100); // 1.0, -2.5
    b.putFloat(3.25f);
    byte[] all = b.array();
    Map<String, byte[]> shards =
        Map.of(
            "a",
            java.util.Arrays.copyOf(all, 5),
            "b",
            java.util.Arrays.copyOfRange(all, 5, all.length));

    TfjsLayersModel m = TfjsLayersModel.of(json, shards::get, "test");

    assertThat(m.weights().keySet()).containsExactly("u8", "u16", "f16", "f32");
    assertThat(m.weights().get("u8").values())
        .containsExactly(
            (float) (0 * 0.1 - 1.5), (float) (15 * 0.1 - 1.5), (float) (255 * 0.1 - 1.5));
    Weight.Uint8 codes = m.weights().get("u8").uint8();
    assertThat(codes.codes()).containsExactly(0, 15, 255);
    assertThat(codes.scale()).isEqualTo(0.1);
    assertThat(codes.min()).isEqualTo(-1.5);
    assertThat(m.weights().get("u16").values())
        .containsExactly((float) (1000 * 0.001), (float) (65535 * 0.001));
    assertThat(m.weights().get("u16").uint8()).isNull();
    assertThat(m.weights().get("f32").uint8()).isNull();
    assertThat(m.weights().get("f16").values()).containsExactly(1.0f, -2.5f);
    assertThat(m.weights().get("f32").shape()).containsExactly(1, 1);
    assertThat(m.weights().get("f32").values()).containsExactly(3.25f);
    assertThat(m.topology().get("class_name").asText()).isEqualTo("Model");
  }

  @Test
  void shardsThatDoNotMatchTheManifestAreAnError() throws Exception {
    JsonNode json = modelJson("{\"name\":\"w\",\"shape\":[4],\"dtype\":\"float32\"}");
    assertThatThrownBy(() -> TfjsLayersModel.of(json, p -> new byte[4], "m.json"))
        .hasMessageContaining("m.json: weight 'w' needs 16 bytes but its shards hold only 8");
    assertThatThrownBy(() -> TfjsLayersModel.of(json, p -> new byte[12], "m.json"))
        .hasMessageContaining("8 bytes of weight data are left over");
    JsonNode int8 =
        modelJson(
            "{\"name\":\"q\",\"shape\":[1],\"dtype\":\"float32\","
                + "\"quantization\":{\"min\":0,\"scale\":1,\"dtype\":\"int8\"}}");
    assertThatThrownBy(() -> TfjsLayersModel.of(int8, p -> new byte[1], "m.json"))
        .hasMessageContaining("stored as int8");
  }

  @Test
  void halfPrecisionCoversSubnormalsAndSpecials() {
    assertThat(TfjsLayersModel.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(TfjsLayersModel.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
    assertThat(TfjsLayersModel.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TfjsLayersModel.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
    assertThat(TfjsLayersModel.halfToFloat((short) 0x7E00)).isNaN();
  }
}
