package dev.resilientmail.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.mail.internet.MimeMessage;

/**
 * Sends N messages of S bytes to a local sink with each contender, in the same JVM,
 * alternating contenders round by round after warm-up rounds, and prints messages per
 * second, per-message latency (p50, p99), bytes allocated per message by the sending
 * thread and the peak heap for each. <pre>
 * java -cp ... dev.resilientmail.benchmarks.harness.WholeRunBenchmark \
 *     --messages 2000 --size 2048 --contenders angus,capturing --rounds 15 --warmup 3
 * </pre> See {@code docs/benchmarks.md}, "Whole-run comparisons".
 *
 * @since 0.1.0
 */
public final class WholeRunBenchmark {

	static final List<String> CONTENDERS = List.of("angus", "capturing", "spring", "pooled", "async-1", "async-2",
			"async-4", "async-8", "smtp-source", "angus-tls", "capturing-tls", "spring-tls", "pooled-tls",
			"sink-lockstep", "sink-pipelined", "sink-connect", "sink-connect-tls");

	private static final String USAGE = """
			usage: WholeRunBenchmark [--messages N] [--size BYTES] [--recipients N] [--contenders NAME,...]
			                         [--rounds R] [--warmup W] [--server testkit|smtp-sink] [--nodelay true|false]
			  --messages     messages per contender and round (default 1000)
			  --size         bytes per message on the wire, headers included, at least 512 (default 2048)
			  --recipients   recipients per message (default 1)
			  --contenders   comma-separated, from: %s
			                 (default angus,capturing,spring,pooled,spring-tls,pooled-tls)
			  --rounds       measured rounds; contenders alternate within each round (default 5)
			  --warmup       warm-up rounds, not measured (default 2)
			  --server       the plain contenders' server: testkit (the testkit's lean FaultSmtpServer in this
			                 JVM, default) or smtp-sink (Postfix's C sink in its own process); the TLS
			                 contenders always use the testkit (smtp-sink has no STARTTLS)
			  --nodelay      true: the benchmark's own TCP_NODELAY socket factory on the Angus-based
			                 contenders' sessions (default false: what the library and Angus do by themselves)
			""".formatted(String.join(", ", CONTENDERS));

	private static final Set<String> OPTIONS = Set.of("messages", "size", "recipients", "contenders", "rounds",
			"warmup", "server", "nodelay");

	private WholeRunBenchmark() {
	}

	/** What one run measures. */
	private record Plan(int messages, int size, int recipients, List<String> names, int rounds, int warmup,
			boolean postfix, boolean noDelay) {
	}

	/**
	 * Runs the comparison and prints the results to standard output.
	 * @param args the options (see {@code --help})
	 * @throws Exception if a contender fails: a benchmark with failed sends has no result
	 */
	public static void main(String[] args) throws Exception {
		Plan plan;
		try {
			Arguments arguments = Arguments.parse(args, OPTIONS, USAGE);
			List<String> names = arguments.list("contenders",
					List.of("angus", "capturing", "spring", "pooled", "spring-tls", "pooled-tls"));
			for (String name : names) {
				if (!CONTENDERS.contains(name)) {
					throw new IllegalArgumentException(
							"unknown contender '" + name + "'; known: " + String.join(", ", CONTENDERS));
				}
			}
			String server = arguments.choice("server", "testkit", List.of("testkit", "smtp-sink"));
			plan = new Plan(arguments.positiveInt("messages", 1000), arguments.positiveInt("size", 2048),
					arguments.positiveInt("recipients", 1), names, arguments.positiveInt("rounds", 5),
					arguments.intAtLeast("warmup", 2, 0), server.equals("smtp-sink"), arguments.flag("nodelay"));
			if (plan.size() < TestMessages.MIN_SIZE) {
				throw new IllegalArgumentException(
						"--size must be at least " + TestMessages.MIN_SIZE + ", got " + plan.size());
			}
			if (names.contains("smtp-source") && !plan.postfix()) {
				throw new IllegalArgumentException("contender smtp-source needs --server smtp-sink");
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		new WholeRunBenchmark().run(plan);
	}

	private void run(Plan plan) throws Exception {
		printEnvironment(plan);
		List<MimeMessage> messages = TestMessages.build(plan.messages(), plan.size(), plan.recipients());
		List<byte[]> wire = new ArrayList<>(plan.messages());
		for (MimeMessage message : messages) {
			wire.add(TestMessages.wire(message));
		}
		System.out.printf(Locale.ROOT, "message size on the wire: %d bytes, %d recipient(s)%n%n", wire.get(0).length,
				plan.recipients());
		boolean anyTls = plan.names().stream().anyMatch((n) -> n.endsWith("-tls"));
		boolean anyPlain = plan.names().stream().anyMatch((n) -> !n.endsWith("-tls"));
		try (Sink plain = !anyPlain ? null : plan.postfix() ? Sink.postfix(plan.noDelay()) : Sink.plain(plan.noDelay());
				Sink tls = anyTls ? Sink.startTlsWithAuth(plan.noDelay()) : null) {
			Map<String, Results> results = new LinkedHashMap<>();
			List<Contender> contenders = new ArrayList<>();
			try {
				for (String name : plan.names()) {
					Contender contender = create(name, plain, tls, wire, plan);
					contenders.add(contender);
					results.put(name, new Results(contender, plan.messages()));
				}
				for (int round = 0; round < plan.warmup() + plan.rounds(); round++) {
					boolean measured = round >= plan.warmup();
					for (int i = 0; i < contenders.size(); i++) {
						// rotate the order so that no contender always runs right after
						// the same other one (or always first after a GC)
						Contender contender = contenders.get((i + round) % contenders.size());
						Results.Round result = runRound(contender, messages, round - plan.warmup() + 1,
								measured ? results.get(contender.name())::add : null);
						if (measured) {
							System.out.printf(Locale.ROOT, "round %2d  %-17s %9.0f msgs/s%n", result.round(),
									contender.name(), result.messagesPerSecond());
						}
					}
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
			print(results, plan);
		}
		System.out.println("load average at the end: " + loadAverage());
	}

	private static Contender create(String name, Sink plain, Sink tls, List<byte[]> wire, Plan plan) {
		if (name.startsWith("async-")) {
			return new AsyncContender(name, plain, Integer.parseInt(name.substring("async-".length())));
		}
		Map<String, Function<String, Contender>> factories = Map.ofEntries(
				Map.entry("angus", (n) -> new TransportContender(n, plain, false)),
				Map.entry("capturing", (n) -> new TransportContender(n, plain, true)),
				Map.entry("spring", (n) -> new SpringContender(n, plain)),
				Map.entry("pooled", (n) -> new PooledContender(n, plain)),
				Map.entry("smtp-source", (n) -> new SmtpSourceContender(n, plain, 4, plan.recipients(), wire.get(0))),
				Map.entry("angus-tls", (n) -> new TransportContender(n, tls, false)),
				Map.entry("capturing-tls", (n) -> new TransportContender(n, tls, true)),
				Map.entry("spring-tls", (n) -> new SpringContender(n, tls)),
				Map.entry("pooled-tls", (n) -> new PooledContender(n, tls)),
				Map.entry("sink-lockstep", (n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.LOCKSTEP, wire)),
				Map.entry("sink-pipelined",
						(n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.PIPELINED, wire)),
				Map.entry("sink-connect",
						(n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.CONNECT_PER_MESSAGE, wire)),
				Map.entry("sink-connect-tls",
						(n) -> new RawSmtpContender(n, tls, RawSmtpContender.Mode.CONNECT_PER_MESSAGE, wire)));
		return factories.get(name).apply(name);
	}

	/** Consumer of a measured round and its latencies. */
	@FunctionalInterface
	private interface RoundSink {

		void add(Results.Round round, long[] latencies);

	}

	private static Results.Round runRound(Contender contender, List<MimeMessage> messages, int roundNumber,
			RoundSink sink) throws Exception {
		int count = messages.size();
		long[] latencies = new long[count];
		HeapProbe.retainedHeap();
		HeapProbe.resetPeak();
		contender.beginRound();
		long allocatedBefore = HeapProbe.allocatedByThisThread();
		long cpuBefore = HeapProbe.cpuNanosOfThisThread();
		long processCpuBefore = HeapProbe.cpuNanosOfProcessAndChildren();
		long start = System.nanoTime();
		contender.sendAll(messages, latencies);
		long elapsed = System.nanoTime() - start;
		long cpu = HeapProbe.cpuNanosOfThisThread() - cpuBefore;
		long processCpu = HeapProbe.cpuNanosOfProcessAndChildren() - processCpuBefore;
		long allocated = HeapProbe.allocatedByThisThread() - allocatedBefore;
		long peak = HeapProbe.peakHeap();
		contender.endRound();
		// every send returned normally, so the sink has acknowledged every message; check
		// it counted them all
		int received = contender.sink().awaitMessages(count);
		if (received != count) {
			throw new IllegalStateException(contender.name() + ": the sink received " + received + " messages, sent "
					+ count + " (a connection left open from an earlier round?)");
		}
		int connections = contender.sink().connectionCount();
		contender.sink().reset();
		Results.Round round = new Results.Round(roundNumber, count * 1e9 / elapsed, allocated, cpu, processCpu, peak,
				connections);
		if (sink != null) {
			sink.add(round, latencies);
		}
		return round;
	}

	private static void print(Map<String, Results> results, Plan plan) {
		System.out.println();
		System.out.printf(Locale.ROOT,
				"%d messages of %d bytes, %d recipient(s), per contender and round, %d measured rounds, server %s%n",
				plan.messages(), plan.size(), plan.recipients(), results.values().iterator().next().rounds().size(),
				plan.postfix() ? "smtp-sink" : "testkit");
		System.out.printf(Locale.ROOT, "%-17s %10s %21s %9s %9s %9s %9s %11s %10s %8s%n", "contender", "msgs/s",
				"(min..max)", "MB/s", "p50 µs", "p99 µs", "cpu µs", "proc µs", "alloc/msg", "peak MiB", "conns");
		for (Results result : results.values()) {
			System.out.printf(Locale.ROOT, "%-17s %10.0f %21s %9.2f %9.1f %9.1f %9.1f %9.1f %10.1fK %10.0f %8.0f%n",
					result.contender().name(), result.medianRate(),
					String.format(Locale.ROOT, "(%.0f..%.0f)", result.minRate(), result.maxRate()),
					result.medianRate() * plan.size() / 1e6, result.latencyMicros(50), result.latencyMicros(99),
					result.cpuMicrosPerMessage(), result.processCpuMicrosPerMessage(),
					result.allocatedPerMessage() / 1024, result.peakHeap() / (1024.0 * 1024),
					result.connectionsPerRound());
		}
		System.out.println();
		for (Results result : results.values()) {
			System.out.printf("  %-17s %s%n", result.contender().name(), result.contender().description());
		}
		System.out.println();
		System.out.println("msgs/s: median of the rounds; MB/s: the same in 10^6 bytes of message per second;");
		System.out.println("p50/p99: over every message of every measured round (hand-over to acknowledgement);");
		System.out.println("cpu µs: CPU time of the round's calling thread per message (median round; for async"
				+ " contenders only the hand-over);");
		System.out.println("proc µs: CPU time of the whole process per message, GC and JIT included (median round),"
				+ " with smtp-source its own process; "
				+ (plan.postfix() ? "the sink runs in its own process, so this is the client's CPU;"
						: "the testkit sink's threads run in this process and are included;"));
		System.out.println("alloc/msg: bytes allocated by the calling thread per message (median round);");
		System.out.println("peak MiB: largest sum of heap pool peaks in a round (garbage included);");
		System.out.println("conns: connections per round (median): accepted by the testkit sink; sessions ended"
				+ " at smtp-sink (kept ones are not counted).");
		System.out.println("Every round checked that the sink counted exactly the messages sent.");
		System.out.println();
		ratio(results, "capturing", "angus", 0.97, "decorator overhead");
		ratio(results, "capturing-tls", "angus-tls", 0.97, "decorator overhead with TLS");
		ratio(results, "pooled", "spring", 2.0, "send sequential vs Spring");
		ratio(results, "pooled", "angus", 1.2, "send sequential vs plain Angus");
		ratio(results, "pooled-tls", "spring-tls", 5.0, "single-message sends, STARTTLS + AUTH");
		ratio(results, "async-4", "smtp-source", 0.5, "sendAsync 4 connections vs smtp-source -s 4 -d");
		ratio(results, "async-4", "async-1", 1.8, "sendAsync 4 connections vs 1");
		ratio(results, "async-2", "async-1", 0, "sendAsync 2 connections vs 1");
		ratio(results, "async-8", "async-1", 0, "sendAsync 8 connections vs 1");
		ratio(results, "sink-lockstep", "angus", 0, "sink headroom, one connection lock-step");
		ratio(results, "sink-connect", "spring", 0, "sink headroom, connection per message");
		ratio(results, "sink-connect-tls", "spring-tls", 0, "sink headroom, connection per message with TLS");
	}

	/**
	 * Prints {@code a / b} as the ratio of the median rates and as the median of the
	 * ratios of rounds run side by side (less sensitive to drifting load).
	 */
	private static void ratio(Map<String, Results> results, String a, String b, double target, String label) {
		Results ra = results.get(a);
		Results rb = results.get(b);
		if (ra == null || rb == null) {
			return;
		}
		int n = Math.min(ra.rounds().size(), rb.rounds().size());
		double[] perRound = new double[n];
		for (int i = 0; i < n; i++) {
			perRound[i] = ra.rounds().get(i).messagesPerSecond() / rb.rounds().get(i).messagesPerSecond();
		}
		double ofMedians = ra.medianRate() / rb.medianRate();
		double medianOfRounds = Results.median(perRound);
		String verdict = (target <= 0) ? "" : String.format(Locale.ROOT, "  target >= %.2f: %s", target,
				(Math.min(ofMedians, medianOfRounds) >= target) ? "met" : "MISSED");
		System.out.printf(Locale.ROOT, "%-46s %s/%s = %.3f (median of per-round ratios %.3f)%s%n", label + ":", a, b,
				ofMedians, medianOfRounds, verdict);
	}

	private static void printEnvironment(Plan plan) {
		Runtime runtime = Runtime.getRuntime();
		System.out.printf(Locale.ROOT, "java %s (%s %s), %d processors, max heap %d MiB%n",
				System.getProperty("java.version"), System.getProperty("java.vm.name"),
				System.getProperty("java.vm.version"), runtime.availableProcessors(), runtime.maxMemory() >> 20);
		System.out.printf(Locale.ROOT, "contenders %s; %d messages of %d bytes; %d warm-up + %d measured rounds%n",
				plan.names(), plan.messages(), plan.size(), plan.warmup(), plan.rounds());
		System.out.println("server: " + (plan.postfix() ? "smtp-sink, " + PostfixSink.describe()
				: "testkit FaultSmtpServer (lean), in this JVM"));
		System.out.println("benchmark's TCP_NODELAY socket factory on the Angus-based contenders: " + plan.noDelay());
		System.out.println("load average at the start: " + loadAverage());
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

}
