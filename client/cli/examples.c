/* One example per command, with the Chinese a clerk types, shown at the end
 * of its --help (cg_cli_print_help). The examples are command lines, not
 * prose: they are not translated. */
#include "examples.h"

#include <stddef.h>
#include <string.h>

static const struct {
    const char *command, *example;
} examples[] = {
    {"ping", "chengguan ping --count 3   # 测试与服务器的连接"},
    {"account add", "chengguan account add --name wang-jianguo --role officer --officer 3 "
                    "--cert-subject 'CN=wang-jianguo,O=chengguan dev' --display-name 王建国"},
    {"account disable", "chengguan account disable wang-jianguo --reason 调离大洼分局"},
    {"account list", "chengguan account list --unit 大洼分局 --all   # 含已停用的账号"},
    {"order issue",
     "chengguan --as supervision order issue --report 42 --text 请三日内核实处置并报告 "
     "--deadline 2026-12-04"},
    {"order answer", "chengguan order answer 7 --answer 已责令业主拆除，现场已恢复"},
    {"order list", "chengguan order list --open --unit 大洼分局   # 未答复的督办"},
    {"meeting record",
     "chengguan meeting record --date 2021-03-15 --compounds 12,15 "
     "--participants street=1,community=2,property=2,owners_committee=1,residents=8 "
     "--minutes 共建日纪要.txt --suggestion 小区东门夜间增设路灯 --suggestion 清理3号楼楼道堆物"},
    {"meeting list", "chengguan meeting list --month 2021-03 --unit 大洼分局"},
    {"meeting missing", "chengguan meeting missing --month 2021-03   # 当月未开展共建日的单位"},
    {"suggestion answer",
     "chengguan suggestion answer 31 --text 已协调物业于3月底前增设两盏路灯 --adopted yes"},
    {"suggestion list", "chengguan suggestion list --open   # 尚未答复的意见建议"},
    {"group show", "chengguan group show --as-of 2021-06-30   # 当日的领导小组"},
    {"group set",
     "chengguan --as hq group set --name 孙立 --role member --post 大洼分局局长 --unit 大洼分局 "
     "--from 2022-03-01"},
    {"group leave",
     "chengguan --as hq group leave --name 何成海 --reason 工作调动 --from 2022-03-01"},
    {"coordination record",
     "chengguan coordination record --kind three_party --date 2021-03-20 --topic 小区停车秩序 "
     "--attendees 兴隆街道、惠宾社区、宏达物业、大洼分局 --compounds 12 "
     "--decision 2021-04-30:宏达物业:施划停车位并公示"},
    {"coordination list", "chengguan coordination list --kind leadership   # 领导小组会议"},
    {"decision follow-up", "chengguan decision follow-up 5 --text 停车位已施划完毕 --done"},
    {"decision list", "chengguan decision list --overdue   # 逾期未落实的决定事项"},
    {"training record", "chengguan training record --date 2021-03-02 --topic 物业管理执法程序 "
                        "--hours 4 --officers 3,5,8"},
    {"training list", "chengguan training list --unit 大洼分局 --month 2021-03"},
    {"practice add", "chengguan practice add --compound 12 --criteria 管理有序 --criteria 环境优美 "
                     "--title 惠宾家园共建共治 "
                     "--write-up 示范小区材料.txt"},
    {"practice list", "chengguan practice list --demo   # 示范小区"},
    {"stats bulletin", "chengguan --as supervision stats bulletin --period 2021-Q2 --format html "
                       "-o 督查通报-2021-Q2.html   # 第二季度督查通报"},
    {"summary", "chengguan --as dawa summary --unit 大洼分局 --period 2021-03 -o 三月工作总结.md"},
    {"audit list", "chengguan --as supervision audit list --account dawa --from 2026-12-01 "
                   "--type case.move   # 大洼分局自12月1日起的案件流转"},
    {"problem add", "chengguan problem add --compound 12 --category 5 --text 消防通道堆放杂物 "
                    "--quick no --found 2021-06-03"},
    {"problem plan", "chengguan problem plan 7 --measures 通知业主限期清理，逾期依法处理 "
                     "--owner 王建国 --deadline 2021-06-30"},
    {"problem update", "chengguan problem update 7 --status fixed --note 已清理完毕"},
    {"problem show", "chengguan problem show 7   # 问题及整改记录"},
    {"problem list", "chengguan problem list --unit 兴隆台分局 --overdue   # 逾期未整改的问题"},
    {"problem summary", "chengguan problem summary   # 按单位、类别、状态汇总的问题清单"},
    {"campaign action add",
     "chengguan campaign action add --title 消防通道集中整治 --from 2021-06-01 --to 2021-06-30 "
     "--units 兴隆台分局,双台子分局 --categories 5"},
    {"campaign action link", "chengguan campaign action link 3 --case 41,42   # 整治中立案的案件"},
    {"campaign action show", "chengguan campaign action show 3   # 整治成果"},
    {"campaign action list", "chengguan campaign action list --unit 兴隆台分局"},
    {"campaign status", "chengguan campaign status --as-of 2021-02-28   # 2月底前进驻目标"},
    {"campaign entries", "chengguan campaign entries --by week --to 2021-05-31   # 进驻进度"},
    {"whoami", "chengguan --as dawa whoami   # 大洼分局的账号"},
    {"compound add", "chengguan compound add --name 惠宾家园 --district 兴隆台区 --street 兴隆街道 "
                     "--community 惠宾社区 --households 420"},
    {"compound update", "chengguan compound update 12 --property-company 盘锦市宏达物业 "
                        "--property-phone 13904270001"},
    {"compound show", "chengguan compound show 12   # 小区档案"},
    {"compound list", "chengguan compound list --district 兴隆台区 --not-entered"},
    {"compound export", "chengguan compound export --headings zh > 小区台账.csv"},
    {"compound import", "chengguan compound import 小区台账.csv"},
    {"compound history", "chengguan compound history 12   # 谁在何时改了什么"},
    {"compound enter", "chengguan compound enter 12 --date 2021-03-09   # 进驻"},
    {"compound close", "chengguan compound close 12 --date 2021-06-30 --reason 小区合并"},
    {"compound correct-entry",
     "chengguan compound correct-entry 12 --date 2021-03-08 --reason 进驻日期录入错误"},
    {"compound demo", "chengguan compound demo 12 on   # 示范小区"},
    {"officer add", "chengguan officer add --name 王建国 --unit dawa --phone 13600001111"},
    {"officer list", "chengguan officer list --unit dawa   # 本分局执法队员"},
    {"grid assign", "chengguan grid assign 12 --officer 3   # 网格员"},
    {"grid show", "chengguan grid show --unit xinglongtai   # 网格分布"},
    {"board set", "chengguan board set 12 --installed-on 2021-03-10 --duties 城管进小区执法 "
                  "--contact-phone 13600001111 --supervision-phone 12345"},
    {"board show", "chengguan board show 12   # 公示牌"},
    {"publicity record", "chengguan publicity record 12 --date 2021-03-15 --notices 200 "
                         "--letters 150 --note 共建日宣传"},
    {"publicity list", "chengguan publicity list --unit dawa   # 宣传记录"},
    {"categories", "chengguan categories   # 十类违法行为及其名称"},
    {"calendar show", "chengguan calendar show --year 2026   # 全年节假日与调休"},
    {"calendar working-days",
     "chengguan calendar working-days --from 2026-02-13 --to 2026-02-27   # 工作日数"},
    {"calendar add-holiday", "chengguan calendar add-holiday 2027-01-01 --name 元旦 --reason "
                             "国务院办公厅关于2027年部分节假日安排的通知"},
    {"calendar add-workday",
     "chengguan calendar add-workday 2027-02-20 --name 春节 --reason 春节调休上班"},
    {"calendar add-year",
     "chengguan calendar add-year 2027 --notice 国务院办公厅关于2027年部分节假日安排的通知"},
    {"limits list", "chengguan limits list --history   # 各类案件的立案、结案时限"},
    {"limits set", "chengguan limits set 2 --kind registration --days 5 --reason 督查科通知"},
    {"ledger summary", "chengguan ledger summary --unit xinglongtai   # 台账汇总"},
    {"patrol submit",
     "chengguan patrol submit --compound 12 --officer 3,5 --start 2021-03-09T09:00:00+08:00 "
     "--end 2021-03-09T10:00:00+08:00 --finding 1:楼道堆放杂物:stopped_on_site"},
    {"patrol void", "chengguan patrol void 40 --reason 重复录入"},
    {"patrol show", "chengguan patrol show 40   # 巡查记录"},
    {"patrol list", "chengguan patrol list --compound 12 --week 2021-W10   # 第10周的巡查"},
    {"patrol due", "chengguan patrol due --unit dawa   # 本周未巡查的小区"},
    {"patrol compliance",
     "chengguan patrol compliance --from 2021-03-01 --to 2021-03-31   # 三月巡查达标情况"},
    {"request add", "chengguan request add --compound 12 --channel hotline --kind problem "
                    "--text 三号楼前私搭乱建 --contact 李女士/13800001111"},
    {"request answer", "chengguan request answer 7 --text 已现场核实，责令限期拆除"},
    {"request close", "chengguan request close 7   # 诉求办结"},
    {"request void", "chengguan request void 7 --reason 市民重复反映，已并入 6 号诉求"},
    {"request show", "chengguan request show 7   # 诉求详情"},
    {"request list",
     "chengguan --as hotline request list --work-order GD20261130-0042   # 按工单号查"},
    {"report submit",
     "chengguan report submit --compound 12 --category 1 --text 业主在楼顶加盖房屋 "
     "--dissuasion-failed"},
    {"report show", "chengguan report show 9   # 上报详情"},
    {"report list", "chengguan report list --open   # 待处置的上报"},
    {"report ack", "chengguan report ack 9 --officer 3   # 网格员接单"},
    {"report resolve", "chengguan report resolve 9 --outcome stopped --note 已责令停工并恢复原状"},
    {"case open", "chengguan case open --compound 12 --category 2 --illegal-construction "
                  "--from-report 9 --summary 楼顶违法搭建彩钢房 --party 张三"},
    {"case move", "chengguan case move 5 --to decided --penalty rectify --penalty fine --fine 2000 "
                  "--deadline 2021-04-30   # 处罚决定"},
    {"case verify", "chengguan case verify 5 --officer 3 --passed --note 已拆除恢复原状"},
    {"case reopen", "chengguan case reopen 5 --reason 原处再次搭建 --deadline 2026-12-31"},
    {"case show", "chengguan case show 5   # 案件详情与时间线"},
    {"case list", "chengguan case list --state rectifying --overdue   # 逾期未整改"},
    {"case stats", "chengguan case stats --from 2021-01-01 --to 2021-06-30   # 上半年案件统计"},
    {"case attach", "chengguan case attach 5 现场照片.jpg --note 楼顶彩钢房全景 "
                    "--taken-at 2021-03-02T09:30 --lat 40.6653 --lon 122.0738"},
    {"case attachments", "chengguan case attachments 5   # 案件证据清单"},
    {"case download", "chengguan case download 5 1 -o 现场照片.jpg   # 下载第1件证据"},
    {"watch", "chengguan watch   # 实时查看上报和督办"},
    {"queue list", "chengguan queue list   # 断网时存下、尚未发送的巡查等变更"},
    {"queue flush", "chengguan queue flush   # 网络恢复后发送离线队列"},
    {"config init", "chengguan --as dawa --server 10.0.0.5:7443 config init   # 本机默认连接"},
};

const char *cg_cli_example(const char *command)
{
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++)
        if (strcmp(examples[i].command, command) == 0)
            return examples[i].example;
    return NULL;
}
