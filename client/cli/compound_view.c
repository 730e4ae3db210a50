#include "compound_view.h"
#include "i18n.h"

#include <string.h>

const cg_column cg_compound_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("compound name"), .field = "name"},
    {.header = N_("district"), .field = "district"},
    {.header = N_("unit"), .field = "unit"},
    {.header = N_("street"), .field = "street"},
    {.header = N_("community"), .field = "community"},
    {.header = N_("address"), .field = "address"},
    {.header = N_("households"), .field = "households"},
    {.header = N_("buildings"), .field = "buildings"},
    {.header = N_("management status"), .field = "management_status"},
    {.header = N_("property company"), .field = "property_company"},
    {.header = N_("property manager"), .field = "property_manager"},
    {.header = N_("property manager's phone"), .field = "property_phone"},
    {.header = N_("street office contact"), .field = "street_contact"},
    {.header = N_("street office phone"), .field = "street_phone"},
    {.header = N_("community contact"), .field = "community_contact"},
    {.header = N_("community phone"), .field = "community_phone"},
    {.header = N_("owners' committee contact"), .field = "owners_committee_contact"},
    {.header = N_("owners' committee phone"), .field = "owners_committee_phone"},
    {.header = N_("property account"), .field = "property_account"},
    {.header = N_("grid officer"), .field = "grid_officer_name"},
    {.header = N_("grid officer's phone"), .field = "grid_officer_phone"},
    {.header = N_("grid officer since"), .field = "grid_officer_since"},
    {.header = N_("entered on"), .field = "entered_on"},
    {.header = N_("demonstration compound"), .field = "demo", .fmt = CG_FMT_YESNO},
    {.header = N_("board installed on"), .field = "board_installed_on"},
    {.header = N_("board duties"), .field = "board_duties"},
    {.header = N_("board contact phone"), .field = "board_contact_phone"},
    {.header = N_("board supervision phone"), .field = "board_supervision_phone"},
    {.header = N_("notice board"), .field = "board_missing", .fmt = CG_FMT_MISSING},
    {.header = N_("ledger fields missing"), .field = "missing", .fmt = CG_FMT_FIELD},
    {.header = N_("ledger complete"), .field = "complete", .fmt = CG_FMT_YESNO},
    {.header = N_("closed on"), .field = "closed_on"},
    {.header = N_("reason for closing"), .field = "close_reason"},
    {.header = N_("version"), .field = "version"},
    {.header = N_("created at"), .field = "created_at"},
    {.header = N_("updated at"), .field = "updated_at"},
    {0},
};

const char *cg_compound_field_label(const char *field)
{
    for (const cg_column *c = cg_compound_lines; c->field != NULL; c++)
        if (strcmp(c->field, field) == 0)
            return cg_i18n(c->header);
    return field;
}
