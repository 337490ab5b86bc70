package org.alpenstack.admin;

import java.util.Arrays;

/**
 * The composition root and command-line entry point of {@code alpenstack.jar}
 * (run through {@code bin/alpenstack}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "serve" -> System.exit(ServeCommand.run(rest));
            case "demo" -> System.exit(Demo.run(rest));
            case "help", "--help", "-h" -> {
                usage();
                System.exit(0);
            }
            default -> {
                System.err.println("alpenstack: unknown command '" + command + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: alpenstack <command> [options]

                commands:
                  serve [--config FILE] [--state-dir DIR] [--admin HOST:PORT]
                        run the server (see README.md)
                  demo  two stack instances on an in-memory switch: ARP, ping, UDP,
                        printed step by step, written to alpenstack-demo.pcap
                """);
    }
}
