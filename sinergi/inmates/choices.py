from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    PROTESTANT = "protestant", _("Protestant Christian")
    CATHOLIC = "catholic", _("Catholic")
    HINDU = "hindu", _("Hindu")
    BUDDHIST = "buddhist", _("Buddhist")
    CONFUCIAN = "confucian", _("Confucian")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "sd", _("Primary (SD)")
    JUNIOR = "smp", _("Junior secondary (SMP)")
    SENIOR = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma")
    BACHELOR = "bachelor", _("Bachelor (S1)")
    POSTGRADUATE = "postgraduate", _("Postgraduate (S2/S3)")


class RegisterClass(models.TextChoices):
    B_I = "B.I", _("B.I (more than 1 year)")
    B_IIA = "B.IIa", _("B.IIa (3 months to 1 year)")
    B_IIB = "B.IIb", _("B.IIb (1 day to 3 months)")
    B_III = "B.III", _("B.III (kurungan or fine substitute)")


class SecurityLevel(models.TextChoices):
    SUPER_MAXIMUM = "super_maximum", _("Super maximum")
    MAXIMUM = "maximum", _("Maximum")
    MEDIUM = "medium", _("Medium")
    MINIMUM = "minimum", _("Minimum")


class InmateStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", _("In custody")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")
    DECEASED = "deceased", _("Deceased")


class CrimeCategory(models.TextChoices):
    # The values are those of sinergi.sentences.CrimeCategory.
    GENERAL = "general", _("General crime")
    NARCOTICS = "narcotics", _("Narcotics")
    TERRORISM = "terrorism", _("Terrorism")
    CORRUPTION = "corruption", _("Corruption")
    STATE_SECURITY = "state_security", _("State security")
    HUMAN_RIGHTS = "human_rights", _("Gross human-rights violation")
    TRANSNATIONAL = "transnational", _("Transnational organised crime")


class TermKind(models.TextChoices):
    FIXED = "fixed", _("Fixed term")
    LIFE = "life", _("Life imprisonment")
    DEATH = "death", _("Death penalty")


class RemissionKind(models.TextChoices):
    UMUM = "umum", _("Remisi umum (17 August)")
    KHUSUS = "khusus", _("Remisi khusus (religious holiday)")
    TAMBAHAN = "tambahan", _("Remisi tambahan")
    DASAWARSA = "dasawarsa", _("Remisi dasawarsa (every tenth 17 August)")
    HUMANITARIAN = "humanitarian", _("Remisi kemanusiaan")
    PMP = "pmp", _("Pengurangan masa pidana (children)")


class DetentionKind(models.TextChoices):
    """The kind of a detention period before the current one (KUHAP Pasal 22); the
    values are those of sinergi.sentences.DetentionKind."""

    RUTAN = "rutan", _("Rutan (counts in full)")
    HOUSE = "house", _("House detention (counts 1/3)")
    CITY = "city", _("City detention (counts 1/5)")


class Right(models.TextChoices):
    ASIMILASI = "asimilasi", _("Asimilasi")
    PB = "pb", _("Pembebasan bersyarat (PB)")
    CB = "cb", _("Cuti bersyarat (CB)")
    CMB = "cmb", _("Cuti menjelang bebas (CMB)")
    CMK = "cmk", _("Cuti mengunjungi keluarga (CMK)")


class RightStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    BLOCKED = "blocked", _("Blocked")


class RecalculatedField(models.TextChoices):
    """What a recalculation may change: a key date of the sentence, its rule set, or one
    integration right's date or status (``SentenceRecalculationChange.right`` says which)."""

    EXPIRY_DATE = "expiry_date", _("expiry")
    EXPIRY_AFTER_REMISSION = "expiry_after_remission", _("expiry after remisi")
    ONE_THIRD_DATE = "one_third_date", _("1/3 date")
    HALF_DATE = "half_date", _("1/2 date")
    TWO_THIRDS_DATE = "two_thirds_date", _("2/3 date")
    TERM_START = "term_start", _("term start")
    RELEASE_DATE = "release_date", _("release date")
    PB_PROBATION_END = "pb_probation_end", _("end of PB probation")
    RULE_SET = "rule_set", _("rule set")
    ELIGIBLE_FROM = "eligible_from", _("eligible from")
    ENDS_ON = "ends_on", _("ends on")
    STATUS = "status", _("status")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    INVALID = "invalid", _("Rejected: invalid rows")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EMPTY = "empty", _("No rows")
    INTERRUPTED = "interrupted", _("Interrupted")


class ReligiousHoliday(models.TextChoices):
    # The values are those of sinergi.sentences.ReligiousHoliday.
    IDUL_FITRI = "idul_fitri", _("Idul Fitri")
    NATAL = "natal", _("Christmas (Natal)")
    NYEPI = "nyepi", _("Nyepi")
    WAISAK = "waisak", _("Waisak")
    IMLEK = "imlek", _("Imlek")


# The holiday on which each religion's remisi khusus is given.
HOLIDAY_OF_RELIGION = {
    "islam": ReligiousHoliday.IDUL_FITRI,
    "protestant": ReligiousHoliday.NATAL,
    "catholic": ReligiousHoliday.NATAL,
    "hindu": ReligiousHoliday.NYEPI,
    "buddhist": ReligiousHoliday.WAISAK,
    "confucian": ReligiousHoliday.IMLEK,
}


class CustodyStart(models.TextChoices):
    """How a custody episode began."""

    ADMISSION = "admission", _("Admission")
    TRANSFER_IN = "transfer_in", _("Transfer in")


class CustodyEnd(models.TextChoices):
    """How a custody episode ended."""

    RELEASE = "release", _("Release")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    DEATH = "death", _("Death")
