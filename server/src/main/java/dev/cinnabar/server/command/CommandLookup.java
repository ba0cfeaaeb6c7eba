package dev.cinnabar.server.command;

import dev.cinnabar.datatypes.Hashing;
import dev.cinnabar.protocol.Argv;
import java.util.Collection;

/**
 * Finds a command by the bytes of an argument, in any letter case, without allocating: an
 * open-addressing table keyed by a case-folding hash, probed linearly.
 */
final class CommandLookup {
    private final CommandSpec[] slots;
    private final int mask;

    CommandLookup(Collection<CommandSpec> commands) {
        int size = 16;
        while (size < commands.size() * 4) {
            size <<= 1;
        }
        slots = new CommandSpec[size];
        mask = size - 1;
        for (CommandSpec c : commands) {
            int i = Hashing.hashIgnoreCase(c.lowerName, 0, c.lowerName.length) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = c;
        }
    }

    CommandSpec find(Argv argv, int index) {
        int i = Hashing.hashIgnoreCase(argv.array(index), argv.offset(index), argv.length(index)) & mask;
        CommandSpec c;
        while ((c = slots[i]) != null) {
            if (argv.is(index, c.lowerName)) {
                return c;
            }
            i = (i + 1) & mask;
        }
        return null;
    }
}
