package dev.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEscapedAndPlainStrings() {
        Object v = Json.parse("[\"plain\", \"a\\\"b\\\\c\\nd\\u0041\", \"after\"]");
        assertEquals(List.of("plain", "a\"b\\c\ndA", "after"), v);
    }

    @Test
    void aDeferredValueIsItsExactTextAndParsesToWhatAnEagerParseGives() {
        String docs = "{\"summary\": \"brackets ] } and an escaped \\\" quote\", \"args\": [{\"n\": [1, 2]}], \"x\": \"\\\\\"}";
        String text = "{\"name\": \"a\", \"docs\": " + docs + ", \"arity\": 2}";
        @SuppressWarnings("unchecked")
        Map<String, Object> lazy = (Map<String, Object>) Json.parse(text, Set.of("docs"));
        @SuppressWarnings("unchecked")
        Map<String, Object> eager = (Map<String, Object>) Json.parse(text);
        Json.Raw raw = assertInstanceOf(Json.Raw.class, lazy.get("docs"));
        assertEquals(docs, raw.toString());
        assertEquals(eager.get("docs"), raw.parse());
        assertEquals(2L, lazy.get("arity"));
        assertEquals("a", lazy.get("name"));
    }

    @Test
    void aDeferredValueWithASourceIsReadFromItOnlyWhenParsed() {
        String docs = "{\"summary\": \"x\", \"args\": [1, \"]\"]}";
        String text = "[{\"name\": \"a\", \"docs\": " + docs + "}, {\"name\": \"b\", \"docs\": \"plain\"}]";
        int[] reads = {0};
        Json.Source source = () -> {
            reads[0]++;
            return text;
        };
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lazy = (List<Map<String, Object>>) Json.parse(text, Set.of("docs"), source);
        assertEquals(0, reads[0], "the text was asked for before any value was parsed");
        Json.Raw a = assertInstanceOf(Json.Raw.class, lazy.get(0).get("docs"));
        Json.Raw b = assertInstanceOf(Json.Raw.class, lazy.get(1).get("docs"));
        assertEquals(Json.parse(docs), a.parse());
        assertEquals("plain", b.parse());
        assertEquals(docs, a.toString());
        assertEquals(3, reads[0]);
    }

    @Test
    void anUnterminatedDeferredValueIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"docs\": {\"a\": \"b}", Set.of("docs")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"docs\": {\"a\": [1}", Set.of("docs")));
    }
}
