package dev.resilientmail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of ARCHITECTURE.md, kept by the build: the packages in their order (an arrow
 * never points up, so there is no cycle), and the public types exactly the API list.
 */
class ArchitectureTests {

	private static final String ROOT = "dev.resilientmail";

	/** The core packages, lowest first: each may use only those before it. */
	private static final List<String> LAYERS = List.of(ROOT + ".internal..", ROOT + ".reply..", ROOT + ".classify..",
			ROOT, ROOT + ".transport..", ROOT + ".delivery..", ROOT + ".bounce..", ROOT + ".cli..");

	/** Packages whose public types are not API: free to change in any release. */
	private static final List<String> NOT_API = List.of(ROOT + ".internal", ROOT + ".cli");

	/**
	 * The public API, one type per line (nested types with {@code $}), by package in
	 * layer order. A new public type is one more line here, and one more row in
	 * ARCHITECTURE.md.
	 */
	private static final Set<String> API = Set.of(
			// reply
			"reply.SmtpReply", "reply.EnhancedStatusCode", "reply.SmtpCommand", "reply.SmtpExchange",
			"reply.SmtpTranscript", "reply.ReplyCatalog", "reply.ReplyCatalog$Entry",
			// classify
			"classify.ReplyClassifier", "classify.Classification", "classify.FailureKind", "classify.FailureReason",
			"classify.ClassificationRule", "classify.ClassificationRule$Builder",
			// root: failures and outcomes
			"SmtpFailure", "SmtpFailure$Details", "TransientFailure", "PermanentFailure", "PolicyRejection",
			"UncertainDelivery", "RecipientOutcome", "RecipientOutcome$Status", "DeliveryReport", "DeliveryListener",
			"LateOutcome",
			// transport: Jakarta Mail instantiates them reflectively
			"transport.CapturingSmtpTransport", "transport.CapturingSmtpsTransport",
			// delivery
			"delivery.MailDelivery", "delivery.MailDelivery$Builder", "delivery.DeliveryPolicy",
			"delivery.DeliveryPolicy$Builder", "delivery.DeliveryPolicy$Retry", "delivery.DeliveryPolicy$RateLimit",
			"delivery.DeliveryPolicy$Pool", "delivery.DeliveryPolicy$Timeouts",
			// delivery: the SPI of the jdbc module
			"delivery.RatePermitSource", "delivery.RatePermitSource$Destination", "delivery.DeferredRetryStore",
			"delivery.DeferredRetryStore$Runner", "delivery.DeferredRetryStore$Result",
			"delivery.DeferredRetryStore$Status", "delivery.DeferredRetryStore$NotStoredException",
			"delivery.DeferredRetry",
			// bounce
			"bounce.BounceParser", "bounce.BounceReport", "bounce.BounceReport$Type", "bounce.BouncedRecipient",
			"bounce.BouncedRecipient$Action", "bounce.BounceMailbox", "bounce.BounceMailbox$Builder",
			"bounce.BounceCorrelator");

	/** Libraries that stay behind the API: none of their types in a public signature. */
	private static final List<String> HIDDEN_LIBRARIES = List.of("io.github.resilience4j", "org.eclipse.angus",
			"io.github.bucket4j", "com.github.kagkarlsson");

	/**
	 * The one named exception: the hook for Resilience4j users, whose name says what it
	 * takes.
	 */
	private static final Set<String> HIDDEN_LIBRARY_HOOKS = Set
		.of("delivery.MailDelivery$Builder.resilience4jRegistries");

	/**
	 * The core module's own classes (not the testkit's, which share the root package).
	 */
	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importUrl(SmtpFailure.class.getProtectionDomain().getCodeSource().getLocation());

	@Test
	void eachPackageUsesOnlyThePackagesBelowIt() {
		for (int i = 0; i < LAYERS.size() - 1; i++) {
			String[] above = LAYERS.subList(i + 1, LAYERS.size()).toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(LAYERS.get(i))
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(above)
				.because("ARCHITECTURE.md orders the packages " + LAYERS + " and an arrow never points up")
				.check(CORE);
		}
	}

	@Test
	void everyPackageIsInTheOrder() {
		Set<String> packages = new TreeSet<>();
		CORE.forEach((type) -> packages.add(type.getPackageName()));
		assertThat(packages).allSatisfy((name) -> assertThat(LAYERS).as("package %s has no place in the order", name)
			.anyMatch((layer) -> layer.equals(name) || (layer.endsWith("..")
					&& (name + ".").startsWith(layer.substring(0, layer.length() - 2) + "."))));
	}

	@Test
	void noPackageCycle() {
		slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CORE);
	}

	@Test
	void thePublicTypesAreExactlyTheApiList() {
		Set<String> publicTypes = new TreeSet<>();
		for (JavaClass type : CORE) {
			if (isApiCandidate(type)) {
				publicTypes.add(type.getName().substring(ROOT.length() + 1));
			}
		}
		assertThat(publicTypes).as("public types outside the API list (make them package-private, or list them)")
			.isSubsetOf(API);
		assertThat(API).as("API types that are not public (or no longer exist)").isSubsetOf(publicTypes);
	}

	@Test
	void noHiddenLibraryTypeInAPublicSignature() {
		List<String> leaks = new ArrayList<>();
		for (JavaClass type : CORE) {
			if (!isApiCandidate(type)) {
				continue;
			}
			for (JavaCodeUnit unit : type.getCodeUnits()) {
				String name = type.getName().substring(ROOT.length() + 1) + "." + unit.getName();
				if (!unit.getModifiers().contains(JavaModifier.PUBLIC) || HIDDEN_LIBRARY_HOOKS.contains(name)) {
					continue;
				}
				List<JavaClass> signature = new ArrayList<>(unit.getRawParameterTypes());
				signature.add(unit.getRawReturnType());
				for (JavaClass used : signature) {
					if (HIDDEN_LIBRARIES.stream().anyMatch((library) -> used.getPackageName().startsWith(library))) {
						leaks.add(name + " uses " + used.getName());
					}
				}
			}
		}
		assertThat(leaks).isEmpty();
	}

	private static boolean isApiCandidate(JavaClass type) {
		if (NOT_API.contains(type.getPackageName()) || type.getSimpleName().equals("package-info")
				|| type.isAnonymousClass() || type.isLocalClass()) {
			return false;
		}
		for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
			if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
				return false;
			}
		}
		return true;
	}

}
