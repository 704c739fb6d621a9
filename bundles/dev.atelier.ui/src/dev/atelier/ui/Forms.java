package dev.atelier.ui;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;

/** Forms that scroll instead of cutting off what a small screen or a short stack has no room for. */
public final class Forms {

	private Forms() {
	}

	/**
	 * A composite for a form's fields inside a vertically scrolling {@link ScrolledComposite}, a new child of
	 * {@code parent} (give it layout data where the parent's layout needs some). The fields are laid out at the view's
	 * width and scroll once they are taller than the view.
	 */
	public static Composite scrolling(Composite parent) {
		ScrolledComposite scroll = new ScrolledComposite(parent, SWT.V_SCROLL);
		scroll.setExpandHorizontal(true);
		scroll.setExpandVertical(true);
		Composite content = new Composite(scroll, SWT.NONE);
		scroll.setContent(content);
		scroll.addListener(SWT.Resize, e -> reflow(content));
		return content;
	}

	/**
	 * Lays out the form that holds {@code inside} again after its content changed size (rows added, a longer text),
	 * so that the scroll range follows.
	 */
	public static void reflow(Control inside) {
		for (Control c = inside; c != null; c = c.getParent()) {
			if (c.getParent() instanceof ScrolledComposite scroll && scroll.getContent() == c) {
				Composite content = (Composite) c;
				scroll.setMinSize(content.computeSize(scroll.getClientArea().width, SWT.DEFAULT));
				content.layout(true, true);
				return;
			}
		}
	}
}
