package dev.streammod.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FlinkTypesTest {

  @Test
  void rawRecordIsAPojo() throws Exception {
    TypeInformation<RawRecord> info = TypeInformation.of(RawRecord.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    assertThat(info.getArity()).isEqualTo(6);

    RawRecord in = new RawRecord("t", 3, 17L, 1000L, new byte[] {1}, new byte[] {2, 3});
    RawRecord out = roundTrip(info, in);
    assertThat(out.topic).isEqualTo("t");
    assertThat(out.partition).isEqualTo(3);
    assertThat(out.offset).isEqualTo(17L);
    assertThat(out.timestamp).isEqualTo(1000L);
    assertThat(out.key).containsExactly(1);
    assertThat(out.value).containsExactly(2, 3);
  }

  @Test
  void rawRecordWithNullKeyAndValueSerializes() throws Exception {
    RawRecord out =
        roundTrip(TypeInformation.of(RawRecord.class), new RawRecord("t", 0, 0, 0, null, null));
    assertThat(out.key).isNull();
    assertThat(out.value).isNull();
  }

  @Test
  void keyedBytesIsAPojo() throws Exception {
    TypeInformation<KeyedBytes> info = TypeInformation.of(KeyedBytes.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    KeyedBytes out = roundTrip(info, KeyedBytes.of("stream-ü", new byte[] {5}));
    assertThat(out.key).isEqualTo("stream-ü");
    assertThat(out.value).containsExactly(5);
  }

  private static <T> T roundTrip(TypeInformation<T> info, T value) throws Exception {
    TypeSerializer<T> serializer = info.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(value, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }
}
