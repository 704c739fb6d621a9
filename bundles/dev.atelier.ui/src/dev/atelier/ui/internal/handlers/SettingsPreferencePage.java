package dev.atelier.ui.internal.handlers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.Preferences;
import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;

/**
 * A preference page built from a bundle's {@link SettingsPage}: a field per setting, its default shown where it is
 * unset; OK checks every value and saves none while one is wrong, naming it.
 */
final class SettingsPreferencePage extends PreferencePage {

	private final SettingsPage settings;
	private final Preferences preferences;
	private final String preferencesFile;
	private final Map<Setting, Supplier<String>> values = new LinkedHashMap<>();

	SettingsPreferencePage(SettingsPage settings, Preferences preferences, String preferencesFile) {
		super(settings.title());
		this.settings = settings;
		this.preferences = preferences;
		this.preferencesFile = preferencesFile;
		noDefaultAndApplyButton();
	}

	@Override
	protected Control createContents(Composite parent) {
		Composite page = new Composite(parent, SWT.NONE);
		page.setLayout(new GridLayout(3, false));
		for (Setting setting : settings.settings()) {
			String current = preferences.get(setting.key(), "");
			if (setting.kind() == Setting.Kind.CHECK) {
				Button check = new Button(page, SWT.CHECK);
				check.setText(setting.label());
				check.setToolTipText(setting.help());
				check.setSelection(Boolean.parseBoolean(current.isBlank() ? setting.defaultValue() : current));
				check.setLayoutData(new GridData(SWT.BEGINNING, SWT.CENTER, false, false, 3, 1));
				values.put(setting, () -> Boolean.toString(check.getSelection()));
				continue;
			}
			Label label = new Label(page, SWT.NONE);
			label.setText(setting.label());
			label.setToolTipText(setting.help());
			if (setting.kind() == Setting.Kind.CHOICE) {
				Combo combo = new Combo(page, SWT.READ_ONLY);
				combo.setItems(setting.choices().toArray(String[]::new));
				combo.setText(current.isBlank() ? setting.defaultValue() : current);
				combo.setLayoutData(new GridData(SWT.BEGINNING, SWT.CENTER, false, false, 2, 1));
				values.put(setting, combo::getText);
			} else {
				Text text = new Text(page, SWT.BORDER);
				text.setText(current);
				text.setMessage(setting.defaultValue());
				text.setToolTipText(setting.help());
				boolean folder = setting.kind() == Setting.Kind.FOLDER;
				text.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, folder ? 1 : 2, 1));
				text.addListener(SWT.Modify, e -> validate());
				if (folder) {
					Button browse = new Button(page, SWT.PUSH);
					browse.setText("Browse…");
					browse.addListener(SWT.Selection, e -> {
						DirectoryDialog dialog = new DirectoryDialog(getShell());
						dialog.setFilterPath(text.getText().isBlank() ? setting.defaultValue() : text.getText());
						Optional.ofNullable(dialog.open()).ifPresent(text::setText);
					});
				}
				values.put(setting, text::getText);
			}
			if (!setting.help().isEmpty()) {
				Label help = new Label(page, SWT.WRAP);
				help.setText(setting.help());
				GridData data = new GridData(SWT.FILL, SWT.TOP, true, false, 3, 1);
				data.widthHint = 420;
				help.setLayoutData(data);
			}
		}
		return page;
	}

	/** What is wrong with the values as typed, each naming its setting; empty when all may be saved. */
	List<String> problems() {
		List<String> problems = new ArrayList<>();
		values.forEach((setting, value) -> Optional.ofNullable(setting.check(value.get())).ifPresent(problems::add));
		return problems;
	}

	private boolean validate() {
		List<String> problems = problems();
		setErrorMessage(problems.isEmpty() ? null : problems.get(0));
		setValid(problems.isEmpty());
		return problems.isEmpty();
	}

	@Override
	public boolean performOk() {
		if (values.isEmpty()) {
			return true; // never shown
		}
		if (!validate()) {
			return false;
		}
		values.forEach((setting, value) -> preferences.put(setting.key(), value.get().strip()));
		try {
			preferences.save();
			return true;
		} catch (IOException e) {
			setErrorMessage("Cannot save " + preferencesFile + ": " + e.getMessage());
			return false;
		}
	}
}
