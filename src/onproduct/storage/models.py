"""peewee models of the newest schema (see migrations.py for how files get there).

The models are not bound to a database here: each open plan binds them to its own
database for the length of one operation (Plan._bound), so several plans can be
open in one process and nothing global has to be reset between tests.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    CompositeKey,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class BaseModel(Model):
    class Meta:
        database = None
        legacy_table_names = False


class SprintRow(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    start_date = DateField()
    end_date = DateField()
    capacity = FloatField(null=True)
    closed = IntegerField(default=0)
    actual_product_ops = FloatField(null=True)
    actual_dev_ops = FloatField(null=True)
    revenue = FloatField(null=True)
    baseline = TextField(null=True)

    class Meta:
        table_name = "sprint"


class OperationRow(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    kind = TextField()
    start_date = DateField()
    end_date = DateField(null=True)
    hours_per_week = FloatField(null=True)
    times_per_week = FloatField(null=True)
    minutes_each = FloatField(null=True)
    notes = TextField(default="")

    class Meta:
        table_name = "operation"


class ItemRow(BaseModel):
    id = AutoField()
    title = TextField()
    description = TextField(default="")
    category = TextField()
    estimate = FloatField(null=True)
    actual = FloatField(null=True)
    status = TextField(default="todo")
    external_key = TextField(null=True)
    operation = ForeignKeyField(
        OperationRow, null=True, column_name="operation_id", on_delete="SET NULL"
    )
    saves_hours_per_week = FloatField(null=True)
    done_on = DateField(null=True)
    sprint = ForeignKeyField(
        SprintRow, null=True, column_name="sprint_id", on_delete="RESTRICT", backref="items"
    )
    rank = FloatField()

    class Meta:
        table_name = "item"


class ItemLabelRow(BaseModel):
    item = ForeignKeyField(ItemRow, column_name="item_id", on_delete="CASCADE", backref="labels")
    position = IntegerField()
    label = TextField()

    class Meta:
        table_name = "item_label"
        primary_key = CompositeKey("item", "position")


class PlanSettingRow(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "plan_setting"


MODELS = (SprintRow, OperationRow, ItemRow, ItemLabelRow, PlanSettingRow)
