package dev.atelier.outputs.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.ImageTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.outputs.ui.internal.Zoom;

/**
 * An image in a window of its own, as image viewers do: fit to the window or zoomed (buttons, the mouse wheel,
 * {@code +}, {@code -}, {@code 0} for 100 %, {@code F} to fit), panned by dragging, saved as another file (its
 * parameters kept), copied to the clipboard; the parameters it was made with beside it.
 */
public final class ImageWindow {

	private final Path file;
	private final Shell shell;
	private final Image image;
	private final Canvas canvas;
	private final Label zoomLabel;
	private final Text parameters;
	private Zoom zoom = Zoom.FIT;
	/** The image's top-left corner in the canvas when zoomed past the window; kept inside the image by {@link #place}. */
	private final Point origin = new Point(0, 0);
	private Point dragFrom;

	private ImageWindow(Shell parent, Path file, ImageData data, Map<String, String> text) {
		this.file = file;
		shell = new Shell(parent, SWT.SHELL_TRIM);
		shell.setText(file.getFileName().toString());
		shell.setLayout(new FillLayout());
		image = new Image(parent.getDisplay(), data);
		SashForm sash = new SashForm(shell, SWT.HORIZONTAL);
		Composite left = new Composite(sash, SWT.NONE);
		left.setLayout(new GridLayout(1, false));
		Composite bar = new Composite(left, SWT.NONE);
		bar.setLayout(new GridLayout(7, false));
		button(bar, "Fit", "Fit the window (F)", () -> zoom(Zoom.FIT));
		button(bar, "100 %", "Actual size (0)", () -> zoom(Zoom.ACTUAL));
		button(bar, "Zoom in", "Zoom in (+, wheel up)", this::zoomIn);
		button(bar, "Zoom out", "Zoom out (-, wheel down)", this::zoomOut);
		button(bar, "Save as…", "Save a copy, parameters included", this::saveAsChosen);
		button(bar, "Copy", "Copy the image to the clipboard", this::copy);
		zoomLabel = new Label(bar, SWT.NONE);
		zoomLabel.setLayoutData(new GridData(90, SWT.DEFAULT));
		canvas = new Canvas(left, SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
		canvas.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
		canvas.addListener(SWT.Paint, e -> paint(e.gc));
		canvas.addListener(SWT.Resize, e -> place());
		canvas.addListener(SWT.MouseVerticalWheel, e -> {
			if (e.count > 0) {
				zoomIn();
			} else if (e.count < 0) {
				zoomOut();
			}
		});
		canvas.addListener(SWT.MouseDown, e -> dragFrom = new Point(e.x, e.y));
		canvas.addListener(SWT.MouseUp, e -> dragFrom = null);
		canvas.addListener(SWT.MouseMove, e -> {
			if (dragFrom != null) {
				origin.x += e.x - dragFrom.x;
				origin.y += e.y - dragFrom.y;
				dragFrom = new Point(e.x, e.y);
				place();
			}
		});
		canvas.addListener(SWT.KeyDown, e -> {
			switch (e.character) {
			case '+', '=' -> zoomIn();
			case '-' -> zoomOut();
			case '0' -> zoom(Zoom.ACTUAL);
			case 'f', 'F' -> zoom(Zoom.FIT);
			default -> {
			}
			}
		});
		parameters = new Text(sash, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.V_SCROLL | SWT.BORDER);
		parameters.setText(describe(text));
		sash.setWeights(75, 25);
		shell.addListener(SWT.Dispose, e -> image.dispose());
	}

	/**
	 * Opens the window over most of the screen; its image is disposed with it.
	 *
	 * @throws IOException naming the file when it cannot be read
	 */
	public static ImageWindow open(Shell parent, Path file) throws IOException {
		RgbImage read = SwtImages.read(file);
		ImageData data = SwtImages.imageData(SwtImages.argb(read), read.width(), read.height());
		Map<String, String> text = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") ? PngInfo.read(file) : Map.of();
		ImageWindow window = new ImageWindow(parent, file, data, text);
		Rectangle screen = parent.getMonitor().getClientArea();
		window.shell.setSize(screen.width * 85 / 100, screen.height * 85 / 100);
		window.shell.open();
		window.canvas.setFocus();
		return window;
	}

	/** The text chunks as lines; AUTOMATIC1111's {@code parameters} first and as written. */
	static String describe(Map<String, String> text) {
		if (text.isEmpty()) {
			return "No parameters in this file.";
		}
		StringBuilder b = new StringBuilder();
		String params = text.get(PngInfo.PARAMETERS);
		if (params != null) {
			b.append(params).append("\n\n");
		}
		text.forEach((k, v) -> {
			if (!k.equals(PngInfo.PARAMETERS)) {
				b.append(k).append(": ").append(v).append('\n');
			}
		});
		return b.toString().strip();
	}

	private static void button(Composite bar, String text, String tip, Runnable action) {
		Button b = new Button(bar, SWT.PUSH);
		b.setText(text);
		b.setToolTipText(tip);
		b.addListener(SWT.Selection, e -> action.run());
	}

	public Shell shell() {
		return shell;
	}

	/** The parameters as shown beside the image. */
	public String parameters() {
		return parameters.getText();
	}

	/** The scale the image shows at now (1: one image pixel per screen pixel). */
	public double scale() {
		Rectangle area = canvas.getClientArea();
		Rectangle b = image.getBounds();
		return zoom.scaleIn(b.width, b.height, area.width, area.height);
	}

	public boolean fitted() {
		return zoom.fit();
	}

	public void zoomIn() {
		zoom(zoom.in(scale()));
	}

	public void zoomOut() {
		zoom(zoom.out(scale()));
	}

	private void zoom(Zoom to) {
		Rectangle area = canvas.getClientArea();
		double before = scale();
		zoom = to;
		double after = scale();
		// keep the point under the window's centre where it is
		origin.x = (int) Math.round(area.width / 2.0 - (area.width / 2.0 - origin.x) * after / before);
		origin.y = (int) Math.round(area.height / 2.0 - (area.height / 2.0 - origin.y) * after / before);
		place();
	}

	/** Centres an image smaller than the window; keeps a larger one covering it. */
	private void place() {
		Rectangle area = canvas.getClientArea();
		Rectangle b = image.getBounds();
		double s = scale();
		origin.x = clamp(origin.x, area.width, (int) Math.round(b.width * s));
		origin.y = clamp(origin.y, area.height, (int) Math.round(b.height * s));
		zoomLabel.setText(zoom.label(s));
		canvas.redraw();
	}

	private static int clamp(int at, int window, int shown) {
		return shown <= window ? (window - shown) / 2 : Math.max(window - shown, Math.min(0, at));
	}

	private void paint(GC gc) {
		Rectangle area = canvas.getClientArea();
		gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_WIDGET_DARK_SHADOW));
		gc.fillRectangle(area);
		Rectangle b = image.getBounds();
		double s = scale();
		// enlarged pixels stay sharp, as in image viewers; shrunk images are smoothed
		gc.setInterpolation(s >= 1 ? SWT.NONE : SWT.HIGH);
		gc.drawImage(image, 0, 0, b.width, b.height, origin.x, origin.y, (int) Math.round(b.width * s), (int) Math.round(b.height * s));
	}

	/** Asks where to save a copy, then saves it; a failure is said in the window's title. */
	private void saveAsChosen() {
		FileDialog dialog = new FileDialog(shell, SWT.SAVE);
		dialog.setFileName(file.getFileName().toString());
		dialog.setOverwrite(true);
		String chosen = dialog.open();
		if (chosen != null) {
			try {
				saveAs(Path.of(chosen));
			} catch (IOException e) {
				shell.setText(file.getFileName() + " — not saved: " + e.getMessage());
			}
		}
	}

	/**
	 * Saves a byte-for-byte copy (so the parameters go with it).
	 *
	 * @throws IOException naming the target when it cannot be written
	 */
	public void saveAs(Path target) throws IOException {
		if (target.toAbsolutePath().equals(file.toAbsolutePath())) {
			return;
		}
		try {
			Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
		} catch (IOException e) {
			throw new IOException(target + ": " + e.getMessage(), e);
		}
	}

	/** Puts the image on the clipboard. */
	public void copy() {
		Clipboard clipboard = new Clipboard(shell.getDisplay());
		try {
			clipboard.setContents(new Object[] { image.getImageData() }, new Transfer[] { ImageTransfer.getInstance() });
		} finally {
			clipboard.dispose();
		}
	}
}
