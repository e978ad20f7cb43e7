package dev.resilientmail.spring;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Measures what the auto-configuration adds to an application's start: a Spring Boot
 * application with {@code spring.mail.host} set, started with Spring Boot's mail
 * auto-configuration alone and with this starter's in front of it. Not a test (it asserts
 * nothing); run it by hand: <pre>
 * java -cp "target/test-classes:target/classes:$(cat classpath.txt)" \
 *     dev.resilientmail.spring.StartupCostMeasurement warm 20
 * java -cp ... dev.resilientmail.spring.StartupCostMeasurement cold with   # one start per JVM
 * java -cp ... dev.resilientmail.spring.StartupCostMeasurement cold without
 * </pre> {@code warm}: both variants alternately in one JVM after warm-up starts, so
 * class loading is excluded; {@code cold}: the first start in a fresh JVM, class loading
 * included (run it in a loop of fresh JVMs).
 */
public final class StartupCostMeasurement {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private StartupCostMeasurement() {
	}

	public static void main(String[] args) {
		String mode = (args.length > 0) ? args[0] : "warm";
		if ("cold".equals(mode)) {
			boolean with = args.length > 1 && "with".equals(args[1]);
			long cpu = THREADS.getCurrentThreadCpuTime();
			double millis = startMillis(with);
			System.out.printf(Locale.ROOT, "cold %s %.2f ms wall, %.2f ms thread CPU%n", with ? "with" : "without",
					millis, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
			return;
		}
		int runs = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		for (int i = 0; i < 5; i++) {
			startMillis(true);
			startMillis(false);
		}
		List<Double> with = new ArrayList<>();
		List<Double> without = new ArrayList<>();
		List<Double> withCpu = new ArrayList<>();
		List<Double> withoutCpu = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			// alternate the order so that drift affects both alike
			boolean starterFirst = i % 2 == 0;
			for (boolean withStarter : new boolean[] { starterFirst, !starterFirst }) {
				long cpu = THREADS.getCurrentThreadCpuTime();
				double millis = startMillis(withStarter);
				double cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
				(withStarter ? with : without).add(millis);
				(withStarter ? withCpu : withoutCpu).add(cpuMillis);
			}
		}
		System.out.printf(Locale.ROOT,
				"warm, %d runs each: wall-clock median without %.2f ms, with %.2f ms, difference %.2f ms;"
						+ " thread CPU median without %.2f ms, with %.2f ms, difference %.2f ms%n",
				runs, median(without), median(with), median(with) - median(without), median(withoutCpu),
				median(withCpu), median(withCpu) - median(withoutCpu));
	}

	private static double startMillis(boolean withStarter) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(
				withStarter ? WithStarter.class : WithoutStarter.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(Map.of("spring.mail.host", "127.0.0.1", "logging.level.root", "WARN"));
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = builder.run()) {
			double millis = (System.nanoTime() - start) / 1e6;
			boolean resilient = context.getBean(JavaMailSender.class) instanceof ResilientJavaMailSender;
			if (resilient != withStarter) {
				throw new IllegalStateException("the context did not have the expected mail sender");
			}
			return millis;
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ResilientMailAutoConfiguration.class, ResilientMailMetricsAutoConfiguration.class,
			MailSenderAutoConfiguration.class })
	static class WithStarter {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(MailSenderAutoConfiguration.class)
	static class WithoutStarter {

	}

}
