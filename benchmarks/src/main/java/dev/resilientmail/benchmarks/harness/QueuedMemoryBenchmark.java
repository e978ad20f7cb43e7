package dev.resilientmail.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.Phase;

/**
 * Measures the heap that {@code sendAsync} holds for queued messages: N messages of S
 * bytes are handed to {@link MailDelivery#sendAsync} while the sink holds every
 * connection at MAIL, so that all but the few in flight wait in the queue; the heap
 * retained then (after full collections) is compared with the heap retained by the
 * messages alone. <pre>
 * java -cp ... dev.resilientmail.benchmarks.harness.QueuedMemoryBenchmark --messages 10000 --size 10240
 * </pre> See {@code docs/benchmarks.md}, "Whole-run comparisons".
 *
 * @since 0.1.0
 */
public final class QueuedMemoryBenchmark {

	private static final String USAGE = """
			usage: QueuedMemoryBenchmark [--messages N] [--size BYTES] [--threads T] [--histogram true|false]
			  --messages   messages queued with sendAsync (default 10000)
			  --size       bytes per message on the wire, headers included, at least 512 (default 10240)
			  --threads    MailDelivery async threads (default 2, the builder's default)
			  --histogram  print the classes whose live instances grew, per queued message (default false;
			               the histogram text itself then adds to the figures)
			""";

	private static final Set<String> OPTIONS = Set.of("messages", "size", "threads", "histogram");

	private QueuedMemoryBenchmark() {
	}

	/**
	 * Runs the measurement and prints the figures to standard output.
	 * @param args the options (see {@code --help})
	 * @throws Exception if a message is not delivered in the end
	 */
	public static void main(String[] args) throws Exception {
		int count;
		int size;
		int threads;
		boolean histogram;
		try {
			Arguments arguments = Arguments.parse(args, OPTIONS, USAGE);
			count = arguments.positiveInt("messages", 10_000);
			size = arguments.intAtLeast("size", 10_240, TestMessages.MIN_SIZE);
			threads = arguments.positiveInt("threads", 2);
			histogram = arguments.flag("histogram");
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		run(count, size, threads, histogram);
	}

	private static void run(int count, int size, int threads, boolean histogram) throws Exception {
		Runtime runtime = Runtime.getRuntime();
		System.out.printf(Locale.ROOT, "java %s (%s), %d processors, max heap %d MiB, %s%n",
				System.getProperty("java.version"), System.getProperty("java.vm.name"), runtime.availableProcessors(),
				runtime.maxMemory() >> 20,
				java.lang.management.ManagementFactory.getRuntimeMXBean()
					.getInputArguments()
					.stream()
					.filter((arg) -> arg.startsWith("-XX:+Use") || arg.startsWith("-Xm"))
					.toList());
		System.out.println("load average at the start: " + WholeRunBenchmark.loadAverage());
		Gate gate = new Gate(5, TimeUnit.MINUTES);
		// TCP_NODELAY only to drain the queue quickly after the measurement: 10 KiB
		// messages
		// otherwise wait about 40 ms each for a delayed ACK (see NoDelaySocketFactory)
		try (Sink sink = Sink.plain(true)) {
			sink.server().when(Phase.MAIL).respond((call) -> {
				gate.pass();
				return Action.defaultReply();
			});
			DeliveryPolicy policy = DeliveryPolicy.builder()
				.rateLimit(1_000_000, Duration.ofSeconds(1))
				.timeouts(Duration.ofSeconds(10), Duration.ofMinutes(5))
				.build();
			MailDelivery delivery = MailDelivery.builder(Session.getInstance(sink.sessionProperties()))
				.policy(policy)
				.asyncThreads(threads)
				.build();
			try {
				warmUp(delivery, size, Math.max(threads, policy.pool().maxConnections()) * 50);
				int inFlight = Math.min(threads, policy.pool().maxConnections());

				List<CompletableFuture<DeliveryReport>> futures = new ArrayList<>(count);
				long empty = HeapProbe.retainedHeap();
				long emptyLive = HeapProbe.liveBytes();
				List<MimeMessage> messages = TestMessages.build(count, size);
				long withMessages = HeapProbe.retainedHeap();
				long withMessagesLive = HeapProbe.liveBytes();
				Map<String, long[]> before = histogram ? histogram() : Map.of();

				gate.close();
				HeapProbe.resetPeak();
				long start = System.nanoTime();
				for (MimeMessage message : messages) {
					futures.add(delivery.sendAsync(message));
				}
				long enqueueNanos = System.nanoTime() - start;
				gate.awaitWaiting(inFlight, 1, TimeUnit.MINUTES);
				long peak = HeapProbe.peakHeap();
				long queued = HeapProbe.retainedHeap();
				long queuedLive = HeapProbe.liveBytes();
				Map<String, long[]> after = histogram ? histogram() : Map.of();
				long pending = futures.stream().filter((future) -> !future.isDone()).count();

				gate.open();
				CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
				for (CompletableFuture<DeliveryReport> future : futures) {
					future.join();
				}
				futures.clear();
				long afterDelivery = HeapProbe.retainedHeap();
				int received = sink.server().awaitMessages(count, Sink.TIMEOUT).size();

				long messageBytes = withMessages - empty;
				long queueBytes = queued - withMessages;
				System.out.printf(Locale.ROOT,
						"%d messages of %d bytes (on the wire), %d async threads, %d in flight%n", count, size, threads,
						inFlight);
				System.out.printf(Locale.ROOT, "sendAsync x %d took %.1f ms; %d futures pending when measured%n", count,
						enqueueNanos / 1e6, pending);
				System.out.printf(Locale.ROOT, "retained heap, empty (after warm-up):        %,12d bytes%n", empty);
				System.out.printf(Locale.ROOT,
						"retained heap, with the messages:            %,12d bytes  (+%,d: %.0f per message)%n",
						withMessages, messageBytes, (double) messageBytes / count);
				System.out.printf(Locale.ROOT,
						"retained heap, messages queued in sendAsync: %,12d bytes  (+%,d: %.0f per message)%n", queued,
						queueBytes, (double) queueBytes / count);
				System.out.printf(Locale.ROOT, "peak heap while queueing (pool peaks, garbage included): %,d bytes%n",
						peak);
				System.out.printf(Locale.ROOT, "retained heap after delivery (messages still referenced): %,d bytes%n",
						afterDelivery);
				double ratio = (double) (queued - empty) / messageBytes;
				System.out.printf(Locale.ROOT,
						"queued / messages alone = %.4f  target <= 1.05: %s  (heap in use, MemoryMXBean)%n", ratio,
						(ratio <= 1.05) ? "met" : "MISSED");
				long messageLive = withMessagesLive - emptyLive;
				double liveRatio = (double) (queuedLive - emptyLive) / messageLive;
				System.out.printf(Locale.ROOT,
						"queued / messages alone = %.4f  target <= 1.05: %s  (live objects, class histogram:"
								+ " messages %.0f, queue %.0f bytes per message)%n",
						liveRatio, (liveRatio <= 1.05) ? "met" : "MISSED", (double) messageLive / count,
						(double) (queuedLive - withMessagesLive) / count);
				System.out.printf(Locale.ROOT, "sink received %d messages%n", received);
				if (histogram) {
					printGrowth(before, after, count);
				}
				System.out.println("load average at the end: " + WholeRunBenchmark.loadAverage());
				// keep the messages reachable until every figure above was taken
				if (messages.size() != count) {
					throw new IllegalStateException("messages lost");
				}
			}
			finally {
				gate.open();
				delivery.close();
			}
		}
	}

	private static void warmUp(MailDelivery delivery, int size, int count) throws Exception {
		List<CompletableFuture<DeliveryReport>> futures = new ArrayList<>();
		for (MimeMessage message : TestMessages.build(count, size)) {
			futures.add(delivery.sendAsync(message));
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
	}

	/** Live instances and bytes per class, from the class histogram. */
	private static Map<String, long[]> histogram() {
		Map<String, long[]> classes = new LinkedHashMap<>();
		for (String line : HeapProbe.classHistogram().split("\n")) {
			String[] parts = line.trim().split("\\s+");
			if (parts.length >= 4 && parts[0].endsWith(":")) {
				classes.put(parts[3], new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) });
			}
		}
		return classes;
	}

	private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int count) {
		record Growth(String name, long instances, long bytes) {
		}
		List<Growth> growth = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : after.entrySet()) {
			long[] old = before.getOrDefault(entry.getKey(), new long[2]);
			long bytes = entry.getValue()[1] - old[1];
			if (bytes > 0) {
				growth.add(new Growth(entry.getKey(), entry.getValue()[0] - old[0], bytes));
			}
		}
		growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
		System.out.println("live objects added by queueing, per queued message (messages excluded):");
		for (Growth g : growth.subList(0, Math.min(30, growth.size()))) {
			System.out.printf(Locale.ROOT, "  %8.2f instances %9.1f bytes  %s%n", (double) g.instances() / count,
					(double) g.bytes() / count, g.name());
		}
	}

}
