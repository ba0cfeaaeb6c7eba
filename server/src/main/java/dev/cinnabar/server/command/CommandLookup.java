package dev.cinnabar.server.command;

import dev.cinnabar.datatypes.Hashing;
import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Finds a command by the bytes of an argument, in any letter case, without allocating: an
 * open-addressing table keyed by a case-folding hash, probed linearly.
 */
final class CommandLookup {
    private final CommandSpec[] slots;
    /** The lowercase name each slot answers to: the command's own, or a rename-command name. */
    private final byte[][] names;
    private final int mask;

    CommandLookup(Collection<CommandSpec> commands) {
        this(byOwnName(commands));
    }

    /** A lookup under chosen names, for commands renamed by the configuration. */
    CommandLookup(Map<String, CommandSpec> byName) {
        int size = 16;
        while (size < byName.size() * 4) {
            size <<= 1;
        }
        slots = new CommandSpec[size];
        names = new byte[size][];
        mask = size - 1;
        for (Map.Entry<String, CommandSpec> e : byName.entrySet()) {
            byte[] name = e.getKey().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
            int i = Hashing.hashIgnoreCase(name, 0, name.length) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = e.getValue();
            names[i] = name;
        }
    }

    private static Map<String, CommandSpec> byOwnName(Collection<CommandSpec> commands) {
        Map<String, CommandSpec> m = new java.util.LinkedHashMap<>();
        for (CommandSpec c : commands) {
            m.put(new String(c.lowerName, StandardCharsets.ISO_8859_1), c);
        }
        return m;
    }

    CommandSpec find(Argv argv, int index) {
        int i = Hashing.hashIgnoreCase(argv.array(index), argv.offset(index), argv.length(index)) & mask;
        CommandSpec c;
        while ((c = slots[i]) != null) {
            if (argv.is(index, names[i])) {
                return c;
            }
            i = (i + 1) & mask;
        }
        return null;
    }
}
