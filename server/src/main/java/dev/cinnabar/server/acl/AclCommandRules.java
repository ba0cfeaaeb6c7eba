package dev.cinnabar.server.acl;

import dev.cinnabar.server.command.AclCategories;
import dev.cinnabar.server.command.CommandSpec;
import java.util.List;

/**
 * A selector's command permissions written back as rules, as Redis 7.0 derives them from the
 * bits alone (ACLDescribeSelectorCommandRules): {@code +@all} or {@code -@all} first, as the
 * reserved "future commands" bit says; then, greedily, each category that has more commands in
 * common with the permissions than not, fewest differences first; then the single commands (and
 * first arguments) still different. The rules are replayed on a scratch selector as they are
 * written, so each later step sees what the earlier ones already did.
 *
 * <p>Redis walks its command dictionary in hash order, which changes from run to run, so the
 * order of the single commands in its output is not fixed; here it is the table's order.
 */
final class AclCommandRules {
    private AclCommandRules() {
    }

    static String describe(AclSelector selector) {
        StringBuilder rules = new StringBuilder();
        AclSelector written = new AclSelector(selector.table, 0);
        boolean additive = !selector.allowsFutureCommands;
        try {
            written.apply(additive ? "-@all" : "+@all");
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        rules.append(additive ? "-@all " : "+@all ");
        // What is left to explain: the categories taken are reversed here, so that they count
        // as different in the next rounds.
        AclSelector left = new AclSelector(selector.table, 0);
        System.arraycopy(selector.commands, 0, left.commands, 0, selector.commands.length);
        List<String> names = AclCategories.all();
        boolean[] applied = new boolean[names.size()];
        while (true) {
            int best = -1;
            long minDiff = Integer.MAX_VALUE;
            long maxSame = 0;
            for (int j = 0; j < names.size(); j++) {
                if (applied[j]) {
                    continue;
                }
                long[] onOff = count(left, 1L << j);
                long diff = additive ? onOff[1] : onOff[0];
                long same = additive ? onOff[0] : onOff[1];
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best == -1) {
                break;
            }
            written.changeCategory(1L << best, additive);
            left.changeCategory(1L << best, !additive);
            rules.append(additive ? "+@" : "-@").append(names.get(best)).append(' ');
            applied[best] = true;
        }
        for (CommandSpec cmd : selector.table.topLevel()) {
            singleCommand(selector, written, cmd, rules);
        }
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private static void singleCommand(AclSelector selector, AclSelector written, CommandSpec cmd, StringBuilder rules) {
        boolean allowed = selector.bit(cmd.id());
        if (allowed != written.bit(cmd.id())) {
            rules.append(allowed ? '+' : '-').append(cmd.fullName).append(' ');
            written.change(cmd, allowed);
        }
        for (CommandSpec sub : cmd.subcommands()) {
            singleCommand(selector, written, sub, rules);
        }
        if (!allowed && selector.firstArgs != null && selector.firstArgs[cmd.id()] != null) {
            for (String arg : selector.firstArgs[cmd.id()]) {
                rules.append('+').append(cmd.fullName).append('|').append(arg).append(' ');
            }
        }
    }

    /** How many commands of the category the selector allows, and how many it does not. */
    private static long[] count(AclSelector s, long category) {
        long on = 0;
        long off = 0;
        for (CommandSpec cmd : s.table.topLevel()) {
            if ((cmd.aclCategories & category) != 0) {
                if (s.bit(cmd.id())) {
                    on++;
                } else {
                    off++;
                }
            }
            for (CommandSpec sub : cmd.subcommands()) {
                if ((sub.aclCategories & category) != 0) {
                    if (s.bit(sub.id())) {
                        on++;
                    } else {
                        off++;
                    }
                }
            }
        }
        return new long[] {on, off};
    }
}
