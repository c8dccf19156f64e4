package dev.med42.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One subcommand of the {@code med42} tool. Results go to {@code out}, diagnostics and progress to
 * {@code err}; the returned value is the process exit status.
 */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    List<Option> options();

    int run(Arguments args, PrintStream out, PrintStream err) throws Exception;
}
