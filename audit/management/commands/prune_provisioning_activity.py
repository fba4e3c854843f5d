import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import ProvisioningEvent


class Command(BaseCommand):
    help = (
        "Delete provisioning activity older than the retention period, in batches, so it can "
        "run from cron while SCIM requests keep being recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PROVISIONING_ACTIVITY_RETENTION_DAYS,
            help="Keep this many days (default: PROVISIONING_ACTIVITY_RETENTION_DAYS, %(default)s).",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows deleted per statement.")
        parser.add_argument("--pause", type=float, default=0.0, help="Seconds to sleep between batches.")

    def handle(self, *args, **options):
        if options["days"] < 1 or options["batch_size"] < 1:
            raise CommandError("--days and --batch-size must be at least 1.")
        cutoff = timezone.now() - timedelta(days=options["days"])
        old = ProvisioningEvent.objects.filter(occurred_at__lt=cutoff)
        deleted = 0
        while True:
            batch = list(old.values_list("id", flat=True)[: options["batch_size"]])
            if not batch:
                break
            deleted += ProvisioningEvent.objects.filter(id__in=batch).delete()[0]
            if options["pause"]:
                time.sleep(options["pause"])
        self.stdout.write(f"Deleted {deleted} provisioning events from before {cutoff:%Y-%m-%d %H:%M} UTC.")
