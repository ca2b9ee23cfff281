"""Plan ▸ Settings: the company's stage and target, the basis, the effort unit, costs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QWidget

from onproduct.domain.items import ValidationError, parse_effort
from onproduct.domain.settings import (
    CUSTOM_STAGE,
    STAGES,
    PlanSettings,
    stage,
    validate_settings,
)
from onproduct.ui.colors import muted_text
from onproduct.ui.dialogs import FormDialog


def _spin(
    low: float, high: float, suffix: str, decimals: int = 0, prefix: str = ""
) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setPrefix(prefix)
    spin.setAccelerated(True)
    return spin


class PlanSettingsDialog(FormDialog[PlanSettings]):
    """Edit the settings stored in the plan; choosing a stage applies its preset target."""

    def __init__(
        self, parent: QWidget | None, settings: PlanSettings, *, title: str = "Plan Settings"
    ) -> None:
        super().__init__(parent, title, validate_settings)
        self._settings = settings

        self.stage_box = QComboBox()
        for preset in STAGES:
            self.stage_box.addItem(preset.name, preset.key)
            self.stage_box.setItemData(
                self.stage_box.count() - 1, preset.why, Qt.ItemDataRole.ToolTipRole
            )
        self.stage_box.addItem("Custom", CUSTOM_STAGE)
        self.target_spin = _spin(1, 100, " %")
        self.band_spin = _spin(0, 50, " points", prefix="± ")
        self.preset_note = QLabel()
        palette = self.preset_note.palette()
        palette.setColor(self.preset_note.foregroundRole(), muted_text(palette))
        self.preset_note.setPalette(palette)

        self.basis_box = QComboBox()
        self.basis_box.addItem("Effort: each item weighs its estimate", "effort")
        self.basis_box.addItem("Count: each item weighs 1", "count")
        self.unit_box = QComboBox()
        self.unit_box.addItem("Hours", "hours")
        self.unit_box.addItem("Story points", "points")
        self.per_point_spin = _spin(0.1, 1000, " h per point", decimals=1)
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("not set")
        self.threshold_spin = _spin(1, 10_000, " h of product operations a week")
        self.revenue_edit = QLineEdit()
        self.revenue_edit.setPlaceholderText("k€, or customers")

        self.form.addRow("&Stage:", self.stage_box)
        self.form.addRow("&Target index:", self.target_spin)
        self.form.addRow("Target &band:", self.band_spin)
        self.form.addRow("", self.preset_note)
        self.form.addRow("&Weigh items by:", self.basis_box)
        self.form.addRow("Effort &unit:", self.unit_box)
        self.form.addRow("", self.per_point_spin)
        self.form.addRow("Hourly &cost:", self.cost_edit)
        self.form.addRow("Operations &threshold:", self.threshold_spin)
        self.form.addRow("&Revenue counted in:", self.revenue_edit)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 62)

        self.stage_box.setCurrentIndex(self.stage_box.findData(settings.stage))
        self.target_spin.setValue(round(settings.target * 100, 2))
        self.band_spin.setValue(round(settings.band * 100, 2))
        self.basis_box.setCurrentIndex(self.basis_box.findData(settings.basis))
        self.unit_box.setCurrentIndex(self.unit_box.findData(settings.effort_unit))
        self.per_point_spin.setValue(settings.hours_per_point)
        self.cost_edit.setText("" if settings.hourly_cost is None else f"{settings.hourly_cost:g}")
        self.threshold_spin.setValue(settings.ops_threshold)
        self.revenue_edit.setText(settings.revenue_unit)

        self.stage_box.currentIndexChanged.connect(self._apply_preset)
        self.target_spin.valueChanged.connect(self._describe_preset)
        self.band_spin.valueChanged.connect(self._describe_preset)
        self.unit_box.currentIndexChanged.connect(self._show_per_point)
        self._describe_preset()
        self._show_per_point()

    def _apply_preset(self) -> None:
        preset = stage(str(self.stage_box.currentData()))
        if preset is not None:
            self.target_spin.setValue(preset.target * 100)
            self.band_spin.setValue(preset.band * 100)
        self._describe_preset()

    def _describe_preset(self) -> None:
        preset = stage(str(self.stage_box.currentData()))
        if preset is None:
            self.preset_note.setText("A target of your own.")
            return
        text = f"{preset.name}: {preset.target * 100:.0f}% ± {preset.band * 100:.0f}. {preset.why}"
        if (self.target_spin.value(), self.band_spin.value()) != (
            round(preset.target * 100, 2),
            round(preset.band * 100, 2),
        ):
            text = "Adjusted from the preset. " + text
        self.preset_note.setText(text)
        self.preset_note.setWordWrap(True)

    def _show_per_point(self) -> None:
        self.per_point_spin.setEnabled(self.unit_box.currentData() == "points")

    def read_fields(self) -> PlanSettings:
        try:
            cost = parse_effort(self.cost_edit.text(), "hourly cost")
        except ValidationError:
            raise ValidationError(
                f"The hourly cost must be a number, not {self.cost_edit.text().strip()!r}."
            ) from None
        return PlanSettings(
            basis=str(self.basis_box.currentData()),
            stage=str(self.stage_box.currentData()),
            target=round(self.target_spin.value() / 100, 6),
            band=round(self.band_spin.value() / 100, 6),
            effort_unit=str(self.unit_box.currentData()),
            hours_per_point=self.per_point_spin.value(),
            hourly_cost=cost,
            ops_threshold=self.threshold_spin.value(),
            revenue_unit=" ".join(self.revenue_edit.text().split()),
        )
