package dev.cinnabar.datatypes.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.datatypes.RawString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValueTypesTest {
    /** A type as a collection would declare one. */
    static final class BagType extends ValueType {
        static final BagType TYPE = new BagType();

        private BagType() {
            super("bag");
        }

        @Override
        public String encoding(Object value) {
            return "bag";
        }

        @Override
        public Object duplicate(Object value) {
            return new Bag();
        }

        @Override
        public long heapSize(Object value) {
            return 16;
        }

        @Override
        public long serializedLength(Object value, boolean compression) {
            return 1;
        }

        @Override
        public int rdbType(Object value) {
            return 99;
        }

        @Override
        public int objectType() {
            return 99;
        }

        @Override
        public void digest(Object value, ValueDigest digest) {
            digest.mix(new byte[] {'b'});
        }
    }

    static final class Bag implements TypedValue {
        @Override
        public ValueType type() {
            return BagType.TYPE;
        }
    }

    @Test
    void everyStringRepresentationIsAString() {
        assertSame(StringType.TYPE, ValueTypes.of("v".getBytes(StandardCharsets.US_ASCII)));
        assertSame(StringType.TYPE, ValueTypes.of(12L));
        assertSame(StringType.TYPE, ValueTypes.of(new RawString(new byte[3])));
        assertEquals("string", ValueTypes.of(12L).name());
    }

    @Test
    void aTypedValueAnswersForItself() {
        Bag bag = new Bag();
        assertSame(BagType.TYPE, ValueTypes.of(bag));
        assertTrue(BagType.TYPE.holds(bag));
        assertFalse(StringType.TYPE.holds(bag));
        assertFalse(BagType.TYPE.holds(12L));
    }

    @Test
    void aValueOfNoKnownTypeFailsLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ValueTypes.of("a java String"));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ValueTypes.of(null));
    }

    @Test
    void typesAreFoundByTheirTypeName() {
        assertSame(StringType.TYPE, ValueTypes.named("string"));
        assertNull(ValueTypes.named("none"));
        assertTrue(ValueTypes.all().contains(StringType.TYPE));
    }

    @Test
    void stringsAreNeverEmptyAndShareOnlySmallIntegers() {
        assertFalse(StringType.TYPE.isEmpty(new byte[0]));
        assertEquals(Integer.MAX_VALUE, StringType.TYPE.refCount(StringType.fromLong(5)));
        assertEquals(1, StringType.TYPE.refCount(StringType.fromLong(50_000)));
        assertEquals(1, StringType.TYPE.refCount(StringType.TYPE.duplicate(StringType.fromLong(5))));
        assertEquals(0, StringType.TYPE.rdbType(12L));
    }
}
