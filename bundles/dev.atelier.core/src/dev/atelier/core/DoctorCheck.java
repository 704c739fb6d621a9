package dev.atelier.core;

import java.util.List;
import java.util.Objects;

/**
 * One check of {@code atelier doctor}: a bundle registers this service to tell what it needs from this machine (a
 * driver, a library, OpenGL, disk space) and whether it is there. A missing piece is a finding with its fix, never an
 * exception: doctor reports every finding and exits 0.
 */
public interface DoctorCheck {

	/** Where the check's findings go in the report: lower first (drivers before libraries before the workspace). */
	int order();

	/** What doctor calls the check where it has no findings of its own to show: one that failed or did not finish. */
	default String name() {
		return getClass().getSimpleName();
	}

	/** What was found; a check that finds nothing to say returns an empty list. */
	List<Finding> run(AtelierEnvironment environment);

	/**
	 * One thing found: {@code subject} names what was looked at ("NVIDIA driver", "cuBLAS"), {@code detail} what was
	 * found (for a problem, also what it costs), {@code fix} what to do about a problem (null when {@code ok}).
	 */
	record Finding(String subject, boolean ok, String detail, String fix) {

		public Finding {
			Objects.requireNonNull(subject, "subject");
			Objects.requireNonNull(detail, "detail");
			if (!ok) {
				Objects.requireNonNull(fix, "a problem's fix");
			}
		}

		public static Finding ok(String subject, String detail) {
			return new Finding(subject, true, detail, null);
		}

		public static Finding problem(String subject, String detail, String fix) {
			return new Finding(subject, false, detail, fix);
		}
	}
}
