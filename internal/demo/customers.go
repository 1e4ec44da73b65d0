package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

var (
	cities     = []string{"上海", "杭州", "南京", "苏州", "广州", "深圳", "北京", "成都", "武汉", "西安", "厦门", "宁波"}
	brands     = []string{"恒信", "华瑞", "金达", "同创", "远航", "嘉禾", "博远", "鼎盛", "启明", "天成", "瑞丰", "安泰", "宏图", "中联", "新元", "海川"}
	suffixes   = []string{"科技有限公司", "贸易有限公司", "实业有限公司", "信息技术有限公司", "医疗器械有限公司", "物流有限公司", "食品有限公司", "教育咨询有限公司"}
	industries = []string{"制造", "零售", "软件", "医疗", "物流", "教育", "金融", "餐饮"}
	levels     = []string{"A", "B", "B", "C", "C", "C", "D"}
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林"}
	givens     = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华", "志强", "海燕"}
	pinyin     = []string{"wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin"}
	titles     = []string{"采购经理", "总经理", "财务主管", "IT 负责人", "运营总监", "行政专员", "销售经理", ""}
	prefixes   = []string{"138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187", "188", "189", "177", "199"}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// loadCustomers creates the demo customers with 5,000 contacts between
// them: 85% have an exclusive rep, about a third a participant and a
// fifth a sharer, each a different agent from the rep.
func loadCustomers(ctx context.Context, b *storage.Batch, rng *rand.Rand, agents []*model.User) error {
	contactsLeft := Contacts
	for i := 1; i <= Customers; i++ {
		c := &model.Customer{
			Code:     fmt.Sprintf("C%05d", i),
			Name:     pick(rng, cities) + pick(rng, brands) + pick(rng, suffixes),
			Level:    pick(rng, levels),
			Industry: pick(rng, industries),
			Address:  fmt.Sprintf("%s市%d号", pick(rng, cities), 1+rng.IntN(999)),
		}
		c.Name = fmt.Sprintf("%s（%d）", c.Name, i) // names stay unique and findable
		rep := -1
		if rng.IntN(100) < 85 {
			rep = rng.IntN(len(agents))
			c.RepID = &agents[rep].ID
		}
		c.DoNotContact = rng.IntN(100) < 3
		if err := b.CreateCustomer(ctx, c); err != nil {
			return err
		}
		if err := addRelations(ctx, b, rng, c, agents, rep); err != nil {
			return err
		}
		// Spread 5,000 contacts: two or three per customer, exactly 5,000 in all.
		n := 2
		if contactsLeft-2 > 2*(Customers-i) {
			n = 3
		}
		if i == Customers {
			n = contactsLeft
		}
		for j := 0; j < n; j++ {
			if err := b.CreateContact(ctx, demoContact(rng, c, i, j)); err != nil {
				return err
			}
		}
		contactsLeft -= n
	}
	return nil
}

func addRelations(ctx context.Context, b *storage.Batch, rng *rand.Rand, c *model.Customer, agents []*model.User, rep int) error {
	other := func() int {
		for {
			if k := rng.IntN(len(agents)); k != rep {
				return k
			}
		}
	}
	if rng.IntN(100) < 33 {
		if err := b.SetRelation(ctx, &model.Relation{CustomerID: c.ID, UserID: agents[other()].ID, Kind: model.RelationParticipant}); err != nil {
			return err
		}
	}
	if rng.IntN(100) < 20 {
		if err := b.SetRelation(ctx, &model.Relation{CustomerID: c.ID, UserID: agents[other()].ID, Kind: model.RelationSharer}); err != nil {
			return err
		}
	}
	return nil
}

func demoContact(rng *rand.Rand, c *model.Customer, i, j int) *model.Contact {
	s := rng.IntN(len(surnames))
	ct := &model.Contact{
		CustomerID: c.ID,
		Name:       surnames[s] + pick(rng, givens),
		Title:      pick(rng, titles),
		Mobile:     fmt.Sprintf("+86%s%08d", pick(rng, prefixes), rng.IntN(100000000)),
		Primary:    j == 0,
	}
	if rng.IntN(100) < 80 {
		ct.Email = fmt.Sprintf("%s.%d.%d@example.cn", pinyin[s], i, j)
	}
	if rng.IntN(100) < 40 {
		ct.WeComID = fmt.Sprintf("wx_%s%d%d", pinyin[s], i, j)
	}
	ct.OptOutSMS = rng.IntN(100) < 4
	ct.OptOutEmail = rng.IntN(100) < 6
	return ct
}
