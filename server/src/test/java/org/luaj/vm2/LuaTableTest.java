package org.luaj.vm2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The table as a data structure: whatever the layout, it must hold what was put in it. The order
 * and borders Redis shows are checked against recordings of redis-server (lua/corpus.txt, "table
 * layout"); here random operations run against a map, crossing every rebuild.
 */
class LuaTableTest {

    private static LuaValue randomKey(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return LuaValue.valueOf(r.nextInt(40) + 1);
            case 1:
                return LuaValue.valueOf(r.nextInt(2000) - 1000);
            case 2:
                return LuaValue.valueOf(r.nextInt(100) / 4.0 + 0.5);
            case 3:
                return LuaValue.valueOf(r.nextBoolean());
            default:
                return LuaValue.valueOf("k" + r.nextInt(300));
        }
    }

    /** Model keys: numbers by value (1.0 and 1 are one key), strings by content. */
    private static Object modelKey(LuaValue k) {
        return k.type() == LuaValue.TNUMBER ? (Object) k.todouble() : k.tojstring() + "/" + k.type();
    }

    @Test
    void randomOperationsKeepEveryKeyAndTraversalVisitsEachOnce() {
        for (int seed = 0; seed < 200; seed++) {
            Random r = new Random(seed);
            LuaTable t = r.nextBoolean() ? new LuaTable() : new LuaTable(r.nextInt(10), r.nextInt(10));
            Map<Object, LuaValue> model = new HashMap<>();
            Map<Object, LuaValue> keys = new HashMap<>();
            int ops = 50 + r.nextInt(1500);
            for (int i = 0; i < ops; i++) {
                LuaValue k = randomKey(r);
                Object mk = modelKey(k);
                int op = r.nextInt(10);
                if (op < 6) {
                    LuaValue v = LuaValue.valueOf(i);
                    if (r.nextBoolean() && k.isinttype()) {
                        t.rawset(k.toint(), v);
                    } else {
                        t.rawset(k, v);
                    }
                    model.put(mk, v);
                    keys.put(mk, k);
                } else if (op < 9) {
                    t.rawset(k, LuaValue.NIL);
                    model.remove(mk);
                } else {
                    t.presize(r.nextInt(64));
                }
                if (i % 50 == 0) {
                    check(seed, t, model, keys);
                }
            }
            check(seed, t, model, keys);
        }
    }

    private static void check(int seed, LuaTable t, Map<Object, LuaValue> model, Map<Object, LuaValue> keys) {
        for (Map.Entry<Object, LuaValue> e : model.entrySet()) {
            assertEquals(e.getValue(), t.rawget(keys.get(e.getKey())), "seed " + seed + " key " + e.getKey());
        }
        Set<Object> seen = new HashSet<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            assertTrue(seen.add(modelKey(k)), "seed " + seed + ": visited twice: " + k);
            assertEquals(model.get(modelKey(k)), n.arg(2), "seed " + seed + " value of " + k);
        }
        assertEquals(model.keySet(), seen, "seed " + seed);
        int border = t.rawlen();
        assertTrue(border == 0 || !t.rawget(border).isnil(), "seed " + seed + ": t[#t] is nil, #t = " + border);
        assertTrue(t.rawget(border + 1).isnil(), "seed " + seed + ": t[#t + 1] is set, #t = " + border);
    }

    @Test
    void clearingKeysDuringTraversalIsAllowed() {
        LuaTable t = new LuaTable();
        for (int i = 0; i < 100; i++) {
            t.rawset(LuaValue.valueOf("k" + i), LuaValue.valueOf(i));
            t.rawset(i * 3 + 1, LuaValue.valueOf(i));
        }
        int visited = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                break;
            }
            t.rawset(k, LuaValue.NIL);
            visited++;
        }
        assertEquals(200, visited);
        assertTrue(t.next(LuaValue.NIL).arg1().isnil());
    }

    @Test
    void keysTheTableCannotHoldFailAsInLua() {
        LuaTable t = new LuaTable();
        assertEquals("table index is nil",
            assertThrows(LuaError.class, () -> t.rawset(LuaValue.NIL, LuaValue.ONE)).getMessage());
        assertEquals("table index is NaN",
            assertThrows(LuaError.class, () -> t.rawset(LuaValue.valueOf(Double.NaN), LuaValue.ONE)).getMessage());
        t.rawset("a", LuaValue.ONE);
        assertEquals("invalid key to 'next'",
            assertThrows(LuaError.class, () -> t.next(LuaValue.valueOf("b"))).getMessage());
    }

    @Test
    void weakValuesAndKeysGoOnceCollected() throws InterruptedException {
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.MODE, LuaValue.valueOf("kv"));
        LuaTable t = new LuaTable();
        t.setmetatable(mt);
        LuaTable kept = new LuaTable();
        t.rawset("kept", kept);
        t.rawset("string", LuaValue.valueOf("strings are never weak"));
        t.rawset(1, new LuaTable());
        t.rawset(new LuaTable(), LuaValue.TRUE);
        for (int i = 0; i < 50 && !(t.rawget(1).isnil() && countKeys(t) == 2); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(t.rawget(1).isnil(), "a collected value reads as nil");
        assertEquals(2, countKeys(t), "only the strongly held value and the string are left");
        assertEquals(kept, t.rawget("kept"));
        // no longer weak: what is left is held strongly again
        t.setmetatable(null);
        assertEquals(kept, t.rawget("kept"));
        List<LuaValue> order = new ArrayList<>();
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            order.add(k);
        }
        assertEquals(2, order.size());
    }

    private static int countKeys(LuaTable t) {
        int n = 0;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            n++;
        }
        return n;
    }
}
