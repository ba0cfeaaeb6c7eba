package dev.cinnabar.server.lua;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;

/**
 * Scripts are compiled on the engine thread, where no instruction hook can stop a hung compiler:
 * random fragments of Lua must compile or fail with a LuaError, quickly (a trailing "\z" once
 * looped forever in LuaJ's lexer).
 */
class LuaCompilerFuzzTest {
    private static final String[] PIECES = {"local", "x", "=", "1", "0x1F", "1e", "1.5e+3", "'s'", "\"s", "\\",
        "\\z", "\\x4", "\\300", "[[", "]]", "[=[", "]=]", "--", "--[[", "\n", "\r", "(", ")", "{", "}", "[", "]",
        ",", ";", ":", "::", ".", "..", "...", "function", "end", "if", "then", "else", "for", "in", "do", "while",
        "repeat", "until", "return", "break", "goto", "and", "or", "not", "#", "+", "-", "*", "/", "%", "^", "==",
        "~=", "<=", ">=", "<", ">", "nil", "true", "false", " ", "\t", "\0", "\u0001", "é"};

    @Test
    void randomFragmentsCompileOrFailWithALuaError() {
        assertTimeoutPreemptively(Duration.ofSeconds(Integer.getInteger("fuzz.seconds", 60)), () -> {
            SplittableRandom r = new SplittableRandom(Long.getLong("fuzz.seed", 13));
            for (int i = 0, count = Integer.getInteger("fuzz.n", 50_000); i < count; i++) {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(1, 12);
                for (int k = 0; k < n; k++) {
                    sb.append(PIECES[r.nextInt(PIECES.length)]);
                    if (r.nextInt(3) == 0) {
                        sb.append(' ');
                    }
                }
                byte[] src = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                try {
                    Lua51Compiler.INSTANCE.compile(new ByteArrayInputStream(src), "=fuzz");
                } catch (LuaError expected) {
                    // a syntax error
                }
            }
        });
    }
}
