package demo

import "time"

// person is someone who appears in seeded mail.
type person struct {
	name    string // display name, any script
	address string
	greet   string // how a greeting addresses them
	zone    *time.Location
}

// cast is everyone the seeded mail is from or to. Colleagues share the
// demo user's domain; everyone else lives under reserved example domains
// (RFC 2606), so no seeded address belongs to anybody.
type cast struct {
	me         person
	colleagues []person
	friends    []person
	family     []person
	// named people the threads and special messages refer to
	maria, priya, sam, kwame, lena, tomas, jordan             person
	jose, yamada, alexis, zoe, oyvind, francois, amara, chris person
}

func zone(hours, minutes int) *time.Location {
	return time.FixedZone("", hours*3600+minutes*60)
}

// newCast builds the people around the demo user me@domain.
func newCast(me person, domain string) *cast {
	colleague := func(name, local, greet string, tz *time.Location) person {
		return person{name: name, address: local + "@" + domain, greet: greet, zone: tz}
	}
	c := &cast{me: me}
	c.maria = colleague("Maria Chen", "maria.chen", "Maria", zone(1, 0))
	c.priya = colleague("Priya Raman", "priya.raman", "Priya", zone(5, 30))
	c.sam = colleague("Sam O'Connor", "sam.oconnor", "Sam", zone(0, 0))
	c.kwame = colleague("Kwame Mensah", "kwame.mensah", "Kwame", zone(0, 0))
	c.lena = colleague("Lena Fischer", "lena.fischer", "Lena", zone(1, 0))
	c.tomas = colleague("Tomás Ortega", "tomas.ortega", "Tomás", zone(-3, 0))
	c.jordan = colleague("Jordan Lee", "jordan.lee", "Jordan", zone(-5, 0))
	c.colleagues = []person{
		c.maria, c.priya, c.sam, c.kwame, c.lena, c.tomas, c.jordan,
		colleague("Dr. Helen Park", "helen.park", "Helen", zone(-8, 0)),
	}

	c.jose = person{"José Müller", "jose.mueller@example.de", "José", zone(1, 0)}
	c.yamada = person{"山田太郎", "taro.yamada@example.jp", "Yamada-san", zone(9, 0)}
	c.alexis = person{"Αλέξης Παπαδόπουλος", "alexis@example.gr", "Alexis", zone(2, 0)}
	c.zoe = person{"Zoë Dupont", "zoe.dupont@example.fr", "Zoë", zone(1, 0)}
	c.oyvind = person{"Øyvind Hansen", "oyvind.hansen@example.no", "Øyvind", zone(1, 0)}
	c.francois = person{"François Lefèvre", "francois.lefevre@example.fr", "François", zone(1, 0)}
	c.amara = person{"Amara Okafor", "amara.okafor@example.org", "Amara", zone(1, 0)}
	c.chris = person{"Chris Walker", "chris@example.net", "Chris", zone(-5, 0)}
	c.friends = []person{
		c.jose, c.yamada, c.alexis, c.zoe, c.oyvind, c.francois, c.amara, c.chris,
		{"Małgorzata Nowak", "m.nowak@example.pl", "Gosia", zone(1, 0)},
		{"Nguyễn Văn An", "an.nguyen@example.net", "An", zone(7, 0)},
		{"Ольга Смирнова", "olga.smirnova@example.org", "Olga", zone(3, 0)},
		{"김민준", "minjun.kim@example.com", "Minjun", zone(9, 0)},
		{"ليلى حداد", "layla.haddad@example.net", "Layla", zone(4, 0)},
		{"Ben Carter", "ben.carter@example.com", "Ben", zone(-6, 0)},
	}
	c.family = []person{
		{"Ana Sousa", "ana.sousa@example.pt", "Ana", zone(0, 0)},
		{"Tiago Sousa", "tiago.sousa@example.pt", "Tiago", zone(0, 0)},
		{"Luísa Sousa", "luisa.sousa@example.pt", "Avó", zone(0, 0)},
		{"João Sousa", "joao.sousa@example.com.br", "João", zone(-3, 0)},
	}
	return c
}

// service is an automated sender: notifications, newsletters, receipts.
func service(name, address string) person {
	return person{name: name, address: address, greet: "there", zone: zone(0, 0)}
}
