"""Morocco's twelve regions and the cities where IOM and its partners work (reference bulletins)."""

from django.db import migrations

REGIONS = [
    ("tanger-tetouan-al-hoceima", "Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة"),
    ("oriental", "L'Oriental", "الشرق"),
    ("fes-meknes", "Fès-Meknès", "فاس مكناس"),
    ("rabat-sale-kenitra", "Rabat-Salé-Kénitra", "الرباط سلا القنيطرة"),
    ("beni-mellal-khenifra", "Béni Mellal-Khénifra", "بني ملال خنيفرة"),
    ("casablanca-settat", "Casablanca-Settat", "الدار البيضاء سطات"),
    ("marrakech-safi", "Marrakech-Safi", "مراكش آسفي"),
    ("draa-tafilalet", "Drâa-Tafilalet", "درعة تافيلالت"),
    ("souss-massa", "Souss-Massa", "سوس ماسة"),
    ("guelmim-oued-noun", "Guelmim-Oued Noun", "كلميم واد نون"),
    ("laayoune-sakia-el-hamra", "Laâyoune-Sakia El Hamra", "العيون الساقية الحمراء"),
    ("dakhla-oued-ed-dahab", "Dakhla-Oued Ed-Dahab", "الداخلة وادي الذهب"),
]

CITIES = [
    ("tanger", "Tanger", "طنجة", "tanger-tetouan-al-hoceima"),
    ("tetouan", "Tétouan", "تطوان", "tanger-tetouan-al-hoceima"),
    ("al-hoceima", "Al Hoceïma", "الحسيمة", "tanger-tetouan-al-hoceima"),
    ("oujda", "Oujda", "وجدة", "oriental"),
    ("nador", "Nador", "الناظور", "oriental"),
    ("berkane", "Berkane", "بركان", "oriental"),
    ("figuig", "Figuig", "فجيج", "oriental"),
    ("fes", "Fès", "فاس", "fes-meknes"),
    ("meknes", "Meknès", "مكناس", "fes-meknes"),
    ("taza", "Taza", "تازة", "fes-meknes"),
    ("rabat", "Rabat", "الرباط", "rabat-sale-kenitra"),
    ("sale", "Salé", "سلا", "rabat-sale-kenitra"),
    ("temara", "Témara", "تمارة", "rabat-sale-kenitra"),
    ("kenitra", "Kénitra", "القنيطرة", "rabat-sale-kenitra"),
    ("beni-mellal", "Béni Mellal", "بني ملال", "beni-mellal-khenifra"),
    ("casablanca", "Casablanca", "الدار البيضاء", "casablanca-settat"),
    ("el-jadida", "El Jadida", "الجديدة", "casablanca-settat"),
    ("marrakech", "Marrakech", "مراكش", "marrakech-safi"),
    ("errachidia", "Errachidia", "الرشيدية", "draa-tafilalet"),
    ("agadir", "Agadir", "أكادير", "souss-massa"),
    ("tiznit", "Tiznit", "تيزنيت", "souss-massa"),
    ("guelmim", "Guelmim", "كلميم", "guelmim-oued-noun"),
    ("laayoune", "Laâyoune", "العيون", "laayoune-sakia-el-hamra"),
    ("dakhla", "Dakhla", "الداخلة", "dakhla-oued-ed-dahab"),
]


def seed(apps, schema_editor):
    Region = apps.get_model("partners", "Region")
    City = apps.get_model("partners", "City")
    regions = {}
    for code, name, name_ar in REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "name_ar": name_ar}
        )
    for code, name, name_ar, region in CITIES:
        City.objects.update_or_create(
            code=code, defaults={"name": name, "name_ar": name_ar, "region": regions[region]}
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
