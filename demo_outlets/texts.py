"""Sentence banks for the fixture outlets: our own templated prose.

Each narrative has titles and sentences in English, Russian, German and
French; slots in braces ({country}, {official}, {year}, {city}) are filled per
article. Distractor topics carry no narrative. All text is written for this
project.
"""

from __future__ import annotations

# Narrative ids of narratives/taxonomy.yaml.
KREMLIN = (
    "broken-promise",
    "encirclement",
    "rejected-partnership",
    "ukraine-proxy",
    "nato-provoked-war",
)
COUNTER = (
    "no-binding-pledge",
    "sovereign-choice",
    "defensive-alliance",
    "aggression-drives-enlargement",
)
DISTRACTORS = ("nato-news", "sport", "business")

SLOTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "country": ["Finland", "Sweden", "Poland", "Estonia", "Romania", "Lithuania"],
        "official": [
            "a Kremlin spokesman",
            "the Russian foreign minister",
            "a senior Russian diplomat",
            "a NATO spokesperson",
            "a Western diplomat",
            "an alliance official",
        ],
        "city": ["Vilnius", "Brussels", "Moscow", "Helsinki", "Warsaw", "Munich"],
    },
    "ru": {
        "country": ["Финляндия", "Швеция", "Польша", "Эстония", "Румыния", "Литва"],
        "official": [
            "официальный представитель Кремля",
            "министр иностранных дел России",
            "высокопоставленный российский дипломат",
            "представитель НАТО",
            "западный дипломат",
            "источник в альянсе",
        ],
        "city": ["Вильнюсе", "Брюсселе", "Москве", "Хельсинки", "Варшаве", "Мюнхене"],
    },
    "de": {
        "country": ["Finnland", "Schweden", "Polen", "Estland", "Rumänien", "Litauen"],
        "official": [
            "ein Kremlsprecher",
            "der russische Außenminister",
            "ein russischer Diplomat",
            "eine NATO-Sprecherin",
            "ein westlicher Diplomat",
            "ein Bündnisvertreter",
        ],
        "city": ["Vilnius", "Brüssel", "Moskau", "Helsinki", "Warschau", "München"],
    },
    "fr": {
        "country": ["la Finlande", "la Suède", "la Pologne", "l'Estonie", "la Roumanie"],
        "official": [
            "un porte-parole du Kremlin",
            "le ministre russe des Affaires étrangères",
            "un diplomate russe",
            "une porte-parole de l'OTAN",
            "un diplomate occidental",
            "un responsable de l'Alliance",
        ],
        "city": ["Vilnius", "Bruxelles", "Moscou", "Helsinki", "Varsovie", "Munich"],
    },
}

# narrative id -> language -> (titles, sentences)
NARRATIVES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "broken-promise": {
        "en": (
            [
                "The West promised NATO would not move east, says {official}",
                "'Not one inch': Moscow revives the 1990 promise",
            ],
            [
                "In 1990 Western leaders promised Moscow that NATO would not expand "
                "'one inch' eastward, {official} said on Tuesday.",
                "According to the Kremlin, the assurances given during German reunification "
                "were broken as soon as the Soviet Union collapsed.",
                "Russian officials describe every wave of enlargement as a betrayal of the "
                "word given to Mikhail Gorbachev.",
                "'We were deceived, openly and cynically,' {official} told reporters in {city}.",
            ],
        ),
        "ru": (
            [
                "Запад обещал, что НАТО не будет расширяться на восток, — {official}",
                "«Ни на дюйм»: в Москве снова вспомнили обещание 1990 года",
            ],
            [
                "В 1990 году западные лидеры обещали Москве, что НАТО не продвинется "
                "«ни на дюйм» на восток, заявил {official}.",
                "По словам Кремля, гарантии, данные во время объединения Германии, были "
                "нарушены сразу после распада Советского Союза.",
                "Российские официальные лица называют каждую волну расширения "
                "предательством слова, данного Михаилу Горбачёву.",
                "«Нас обманули, открыто и цинично», — сказал {official} журналистам в {city}.",
            ],
        ),
        "de": (
            [
                "Der Westen versprach, die NATO werde sich nicht nach Osten ausdehnen",
                "„Keinen Zoll“: Moskau beruft sich erneut auf das Versprechen von 1990",
            ],
            [
                "1990 hätten westliche Politiker Moskau zugesichert, die NATO werde sich "
                "„keinen Zoll“ nach Osten bewegen, sagte {official} am Dienstag.",
                "Nach Darstellung des Kremls wurden die Zusagen aus der Zeit der deutschen "
                "Einheit gebrochen, sobald die Sowjetunion zerfallen war.",
                "Russische Regierungsvertreter bezeichnen jede Erweiterungsrunde als Verrat "
                "an dem Wort, das Michail Gorbatschow gegeben worden sei.",
            ],
        ),
        "fr": (
            [
                "L'Occident avait promis que l'OTAN ne s'étendrait pas à l'est, selon Moscou",
                "« Pas d'un pouce » : Moscou ressort la promesse de 1990",
            ],
            [
                "En 1990, les dirigeants occidentaux auraient promis à Moscou que l'OTAN ne "
                "s'étendrait « pas d'un pouce » vers l'est, a déclaré {official}.",
                "Selon le Kremlin, les assurances données lors de la réunification allemande "
                "ont été trahies dès l'effondrement de l'Union soviétique.",
                "Pour les responsables russes, chaque vague d'élargissement est une trahison "
                "de la parole donnée à Mikhaïl Gorbatchev.",
            ],
        ),
    },
    "encirclement": {
        "en": (
            [
                "NATO is closing in on Russia's borders, warns {official}",
                "Moscow says alliance bases now encircle Russia",
            ],
            [
                "The alliance has moved its military infrastructure right up to Russia's "
                "borders, {official} said.",
                "Moscow sees new bases and missile sites in {country} as part of a deliberate "
                "effort to encircle Russia.",
                "Each enlargement, Russian officials argue, brings NATO troops and weapons "
                "closer to Russian cities.",
            ],
        ),
        "ru": (
            [
                "НАТО вплотную подошло к границам России, предупреждает {official}",
                "В Москве заявляют, что базы альянса окружают Россию",
            ],
            [
                "Альянс придвинул свою военную инфраструктуру вплотную к границам России, "
                "заявил {official}.",
                "Москва рассматривает новые базы и ракетные позиции как часть намеренного "
                "окружения России.",
                "Каждое расширение, по мнению российских официальных лиц, приближает войска "
                "и оружие НАТО к российским городам.",
            ],
        ),
        "de": (
            [
                "Moskau warnt: Die NATO rückt an Russlands Grenzen heran",
                "Kreml sieht Russland von Bündnisbasen eingekreist",
            ],
            [
                "Das Bündnis habe seine militärische Infrastruktur bis unmittelbar an die "
                "Grenzen Russlands vorgeschoben, sagte {official}.",
                "Moskau betrachtet neue Stützpunkte und Raketenstellungen als Teil einer "
                "gezielten Einkreisung Russlands.",
                "Mit jeder Erweiterung, so die russische Seite, rückten NATO-Truppen näher an "
                "russische Städte heran.",
            ],
        ),
        "fr": (
            [
                "L'OTAN s'approche des frontières russes, avertit Moscou",
                "Le Kremlin dit la Russie encerclée par les bases de l'Alliance",
            ],
            [
                "L'Alliance a avancé ses infrastructures militaires jusqu'aux frontières de "
                "la Russie, a affirmé {official}.",
                "Moscou voit dans les nouvelles bases et sites de missiles un encerclement "
                "délibéré de la Russie.",
                "Chaque élargissement, selon les responsables russes, rapproche les troupes "
                "de l'OTAN des villes russes.",
            ],
        ),
    },
    "rejected-partnership": {
        "en": (
            [
                "Russia asked to join NATO and was turned away, says {official}",
                "Moscow recalls rebuffed bid for partnership with the West",
            ],
            [
                "Russia twice raised the idea of joining NATO in the 1990s and 2000s, but the "
                "West was not interested, {official} recalled.",
                "Moscow says it wanted to be treated as an equal partner in a common European "
                "security system and was rebuffed.",
                "The offer of cooperation, Russian diplomats complain, was met with suspicion "
                "and exclusion.",
            ],
        ),
        "ru": (
            [
                "Россия просилась в НАТО, но получила отказ, — {official}",
                "В Москве вспомнили отвергнутое предложение о партнёрстве с Западом",
            ],
            [
                "Россия дважды поднимала вопрос о вступлении в НАТО, но Запад не проявил "
                "интереса, напомнил {official}.",
                "Москва хотела быть равноправным партнёром в общей системе европейской "
                "безопасности, но её отвергли.",
                "Предложение о сотрудничестве, жалуются российские дипломаты, встретили "
                "подозрением и отчуждением.",
            ],
        ),
        "de": (
            [
                "Russland wollte in die NATO und wurde abgewiesen, sagt {official}",
                "Moskau erinnert an abgelehnte Partnerschaft mit dem Westen",
            ],
            [
                "Russland habe zweimal einen NATO-Beitritt ins Gespräch gebracht, doch der "
                "Westen sei nicht interessiert gewesen, sagte {official}.",
                "Moskau wollte nach eigener Darstellung als gleichberechtigter Partner in "
                "einer gemeinsamen Sicherheitsordnung behandelt werden und wurde abgewiesen.",
            ],
        ),
        "fr": (
            [
                "La Russie voulait rejoindre l'OTAN et a été éconduite, dit {official}",
                "Moscou rappelle son offre de partenariat rejetée par l'Occident",
            ],
            [
                "La Russie a évoqué à deux reprises une adhésion à l'OTAN, mais l'Occident "
                "n'était pas intéressé, a rappelé {official}.",
                "Moscou affirme avoir voulu être traitée en partenaire égal dans un système "
                "de sécurité européen commun, et avoir été repoussée.",
            ],
        ),
    },
    "ukraine-proxy": {
        "en": (
            [
                "The West is fighting Russia through Ukraine, says {official}",
                "Moscow calls Ukraine a Western instrument against Russia",
            ],
            [
                "The West is using Ukraine as a tool to weaken Russia, {official} said in {city}.",
                "With its weapons, intelligence and instructors, NATO has effectively become "
                "a party to the war, Moscow claims.",
                "Russian officials describe Kyiv as a proxy that fights on behalf of "
                "Washington and Brussels.",
            ],
        ),
        "ru": (
            [
                "Запад воюет с Россией руками Украины, — {official}",
                "В Москве назвали Украину инструментом Запада против России",
            ],
            [
                "Запад использует Украину как инструмент для ослабления России, заявил "
                "{official} в {city}.",
                "Поставляя оружие, разведданные и инструкторов, НАТО фактически стало "
                "участником войны, утверждают в Москве.",
                "Российские официальные лица называют Киев марионеткой, воюющей в интересах "
                "Вашингтона и Брюсселя.",
            ],
        ),
        "de": (
            [
                "Der Westen kämpfe über die Ukraine gegen Russland, sagt {official}",
                "Moskau nennt die Ukraine ein Werkzeug des Westens",
            ],
            [
                "Der Westen benutze die Ukraine als Werkzeug, um Russland zu schwächen, "
                "sagte {official} in {city}.",
                "Mit Waffen, Aufklärung und Ausbildern sei die NATO faktisch Kriegspartei "
                "geworden, behauptet Moskau.",
            ],
        ),
        "fr": (
            [
                "L'Occident combat la Russie par l'Ukraine interposée, selon {official}",
                "Moscou qualifie l'Ukraine d'instrument occidental contre la Russie",
            ],
            [
                "L'Occident utilise l'Ukraine comme un instrument pour affaiblir la Russie, "
                "a déclaré {official} à {city}.",
                "Avec ses armes, ses renseignements et ses instructeurs, l'OTAN est devenue "
                "de fait partie au conflit, affirme Moscou.",
            ],
        ),
    },
    "nato-provoked-war": {
        "en": (
            [
                "NATO expansion caused the war, Moscow insists",
                "Kremlin: enlargement left Russia no choice in Ukraine",
            ],
            [
                "The war in Ukraine is the direct result of NATO's eastward expansion, "
                "{official} argued.",
                "Moscow presents its military operation as a defensive response forced on it "
                "by the alliance's advance.",
                "Had the West respected Russia's security concerns, Russian officials say, "
                "there would have been no conflict.",
            ],
        ),
        "ru": (
            [
                "Расширение НАТО стало причиной конфликта, настаивают в Москве",
                "Кремль: расширение альянса не оставило России выбора",
            ],
            [
                "Конфликт на Украине — прямое следствие расширения НАТО на восток, "
                "заявил {official}.",
                "Москва представляет свою военную операцию как вынужденный ответ на "
                "продвижение альянса.",
                "Если бы Запад учитывал интересы безопасности России, конфликта бы не было, "
                "говорят российские официальные лица.",
            ],
        ),
        "de": (
            [
                "Moskau: Die NATO-Erweiterung hat den Krieg verursacht",
                "Kreml sieht sich durch das Bündnis zum Handeln gezwungen",
            ],
            [
                "Der Krieg in der Ukraine sei die direkte Folge der NATO-Osterweiterung, "
                "argumentierte {official}.",
                "Moskau stellt seinen Militäreinsatz als Verteidigung dar, zu der das "
                "Vorrücken des Bündnisses Russland gezwungen habe.",
            ],
        ),
        "fr": (
            [
                "L'élargissement de l'OTAN a provoqué la guerre, soutient Moscou",
                "Le Kremlin dit n'avoir pas eu le choix face à l'Alliance",
            ],
            [
                "La guerre en Ukraine est la conséquence directe de l'élargissement de l'OTAN "
                "vers l'est, a soutenu {official}.",
                "Moscou présente son opération militaire comme une réponse défensive imposée "
                "par l'avancée de l'Alliance.",
            ],
        ),
    },
    "no-binding-pledge": {
        "en": (
            [
                "No treaty ever barred NATO enlargement, historians say",
                "The 'promise' of 1990 was never written down",
            ],
            [
                "No treaty or written agreement ever ruled out NATO enlargement, historians "
                "who studied the 1990 talks point out.",
                "The remarks made during the reunification talks concerned East German "
                "territory only and were never legally binding.",
                "The Two Plus Four Treaty, signed by Moscow, says nothing about the "
                "alliance's future membership.",
            ],
        ),
        "ru": (
            [
                "Никакого договора о нерасширении НАТО не существовало, говорят историки",
                "«Обещание» 1990 года так и не было записано",
            ],
            [
                "Ни один договор или письменное соглашение не запрещали расширение НАТО, "
                "отмечают историки, изучавшие переговоры 1990 года.",
                "Высказывания во время переговоров об объединении касались только "
                "территории ГДР и не имели юридической силы.",
            ],
        ),
        "de": (
            [
                "Kein Vertrag schloss die NATO-Erweiterung aus",
                "Das „Versprechen“ von 1990 wurde nie schriftlich festgehalten",
            ],
            [
                "Kein Vertrag und keine schriftliche Vereinbarung hätten eine NATO-Erweiterung "
                "je ausgeschlossen, betonen Historiker.",
                "Die Äußerungen bei den Verhandlungen zur Einheit bezogen sich nur auf das "
                "Gebiet der DDR und waren rechtlich nicht bindend.",
                "Der Zwei-plus-Vier-Vertrag, den Moskau unterschrieb, sagt nichts über "
                "künftige Mitglieder des Bündnisses.",
            ],
        ),
        "fr": (
            [
                "Aucun traité n'a jamais interdit l'élargissement de l'OTAN",
                "La « promesse » de 1990 n'a jamais été écrite",
            ],
            [
                "Aucun traité ni accord écrit n'a jamais exclu l'élargissement de l'OTAN, "
                "rappellent les historiens.",
                "Les propos tenus lors des négociations sur la réunification ne concernaient "
                "que le territoire de la RDA et n'avaient aucune valeur juridique.",
            ],
        ),
    },
    "sovereign-choice": {
        "en": (
            [
                "{country} chose NATO on its own, officials stress",
                "Open door: why the alliance's neighbours asked to join",
            ],
            [
                "{country} applied for membership by its own sovereign decision, not under "
                "pressure from Washington, {official} said.",
                "Every state has the right to choose its own alliances, a principle Moscow "
                "itself signed in Helsinki and Paris.",
                "The countries of Central Europe knocked on NATO's door for years before "
                "they were let in.",
            ],
        ),
        "ru": (
            [
                "{country} сама выбрала НАТО, подчёркивают в альянсе",
                "Открытая дверь: почему соседи России попросились в альянс",
            ],
            [
                "{country} подала заявку на вступление по собственному суверенному решению, "
                "а не под давлением Вашингтона, заявил {official}.",
                "Каждое государство вправе само выбирать союзы — этот принцип Москва "
                "подписала в Хельсинки и Париже.",
            ],
        ),
        "de": (
            [
                "{country} hat sich selbst für die NATO entschieden",
                "Offene Tür: Warum die Nachbarn um Aufnahme baten",
            ],
            [
                "{country} habe aus eigener, souveräner Entscheidung den Beitritt beantragt, "
                "nicht auf Druck Washingtons, sagte {official}.",
                "Jeder Staat habe das Recht, seine Bündnisse frei zu wählen – ein Grundsatz, "
                "den auch Moskau in Helsinki und Paris unterschrieben hat.",
            ],
        ),
        "fr": (
            [
                "{country} a choisi l'OTAN de son plein gré",
                "Porte ouverte : pourquoi les voisins ont demandé à adhérer",
            ],
            [
                "{country} a demandé son adhésion par une décision souveraine, et non sous la "
                "pression de Washington, a souligné {official}.",
                "Chaque État a le droit de choisir ses alliances, un principe que Moscou a "
                "lui-même signé à Helsinki et à Paris.",
            ],
        ),
    },
    "defensive-alliance": {
        "en": (
            [
                "NATO is a defensive alliance and threatens no one, says {official}",
                "Alliance insists its posture is purely defensive",
            ],
            [
                "NATO is a defensive alliance and poses no threat to Russia, {official} said "
                "in {city}.",
                "The battlegroups in {country} are small, rotational and designed only to "
                "deter an attack.",
                "Article 5 commits members to defend one another; it does not prepare an "
                "attack on anyone.",
            ],
        ),
        "ru": (
            [
                "НАТО — оборонительный союз и никому не угрожает, — {official}",
                "В альянсе настаивают на исключительно оборонительном характере",
            ],
            [
                "НАТО — оборонительный союз и не представляет угрозы для России, заявил "
                "{official} в {city}.",
                "Статья 5 обязывает союзников защищать друг друга, а не готовить нападение.",
            ],
        ),
        "de": (
            [
                "Die NATO ist ein Verteidigungsbündnis und bedroht niemanden",
                "Bündnis betont seinen defensiven Charakter",
            ],
            [
                "Die NATO sei ein Verteidigungsbündnis und keine Bedrohung für Russland, "
                "sagte {official} in {city}.",
                "Artikel 5 verpflichte die Mitglieder zur gegenseitigen Verteidigung, nicht "
                "zum Angriff.",
            ],
        ),
        "fr": (
            [
                "L'OTAN est une alliance défensive qui ne menace personne",
                "L'Alliance insiste sur sa posture purement défensive",
            ],
            [
                "L'OTAN est une alliance défensive et ne menace pas la Russie, a déclaré "
                "{official} à {city}.",
                "L'article 5 engage les membres à se défendre mutuellement, pas à attaquer.",
            ],
        ),
    },
    "aggression-drives-enlargement": {
        "en": (
            [
                "Russia's war pushed {country} into NATO",
                "Moscow's aggression is the best recruiter the alliance ever had",
            ],
            [
                "It was Russia's invasion of Ukraine that convinced {country} to abandon "
                "decades of neutrality, {official} said.",
                "The annexation of Crimea and the full-scale war did more for NATO "
                "enlargement than any decision in Washington.",
                "Support for membership in {country} jumped within weeks of the invasion.",
            ],
        ),
        "ru": (
            [
                "Война России подтолкнула к НАТО такие страны, как {country}",
                "Агрессия Москвы стала лучшим вербовщиком альянса",
            ],
            [
                "Именно вторжение России в Украину убедило такие страны, как {country}, "
                "отказаться от многолетнего нейтралитета, заявил {official}.",
                "Аннексия Крыма и полномасштабная война сделали для расширения НАТО больше, "
                "чем любые решения Вашингтона.",
            ],
        ),
        "de": (
            [
                "Russlands Krieg trieb {country} in die NATO",
                "Moskaus Aggression ist der beste Werber des Bündnisses",
            ],
            [
                "Erst Russlands Überfall auf die Ukraine habe {country} zur Abkehr von der "
                "Neutralität bewogen, sagte {official}.",
                "Die Annexion der Krim und der Angriffskrieg hätten mehr für die Erweiterung "
                "getan als jede Entscheidung in Washington.",
            ],
        ),
        "fr": (
            [
                "La guerre russe a poussé {country} vers l'OTAN",
                "L'agression de Moscou, meilleur recruteur de l'Alliance",
            ],
            [
                "C'est l'invasion russe de l'Ukraine qui a convaincu {country} d'abandonner "
                "sa neutralité, a déclaré {official}.",
                "L'annexion de la Crimée et la guerre totale ont fait plus pour "
                "l'élargissement que n'importe quelle décision de Washington.",
            ],
        ),
    },
}

DISTRACTOR_TEXT: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "nato-news": {
        "en": (
            [
                "Defence ministers meet in {city} to discuss ammunition stocks",
                "Russia and NATO trade accusations over airspace incident",
            ],
            [
                "Defence ministers gathered in {city} to review ammunition production "
                "and air-defence orders.",
                "A Russian reconnaissance aircraft flew close to the airspace of {country} "
                "on Monday, officials said.",
                "The meeting also discussed budgets, exercises and the next summit agenda.",
            ],
        ),
        "ru": (
            [
                "Министры обороны обсудят в {city} запасы боеприпасов",
                "Россия и НАТО обменялись обвинениями из-за инцидента в небе",
            ],
            [
                "Министры обороны собрались в {city}, чтобы обсудить производство "
                "боеприпасов и заказы на ПВО.",
                "Российский самолёт-разведчик пролетел вблизи воздушного пространства "
                "Прибалтики, сообщили военные.",
            ],
        ),
        "de": (
            [
                "Verteidigungsminister beraten in {city} über Munitionsvorräte",
                "Russland und NATO streiten über Luftraumzwischenfall",
            ],
            [
                "Die Verteidigungsminister trafen sich in {city}, um über Munition und "
                "Luftverteidigung zu beraten.",
                "Ein russisches Aufklärungsflugzeug näherte sich am Montag dem Luftraum "
                "von {country}, teilten Behörden mit.",
            ],
        ),
        "fr": (
            [
                "Les ministres de la Défense réunis à {city} sur les munitions",
                "Russie et OTAN s'accusent mutuellement après un incident aérien",
            ],
            [
                "Les ministres de la Défense se sont réunis à {city} pour examiner la "
                "production de munitions.",
                "Un avion de reconnaissance russe s'est approché de l'espace aérien de "
                "{country} lundi, selon les autorités.",
            ],
        ),
    },
    "sport": {
        "en": (
            [
                "Late goal sends {city} side into the cup final",
                "Ice hockey: home team wins a thriller in overtime",
            ],
            [
                "A header in the ninetieth minute settled the semi-final in front of a "
                "sold-out stadium.",
                "The coach praised his young defenders and said the team had learned from "
                "last season.",
                "Tickets for the final went on sale on Friday and sold out within hours.",
            ],
        ),
        "ru": (
            ["Поздний гол вывел команду в финал кубка", "Хоккей: хозяева выиграли в овертайме"],
            [
                "Удар головой на последней минуте решил судьбу полуфинала на заполненном стадионе.",
                "Тренер похвалил молодых защитников и сказал, что команда сделала выводы "
                "из прошлого сезона.",
            ],
        ),
        "de": (
            [
                "Spätes Tor bringt {city} ins Pokalfinale",
                "Eishockey: Gastgeber gewinnen Krimi in der Verlängerung",
            ],
            [
                "Ein Kopfball in der neunzigsten Minute entschied das Halbfinale vor "
                "ausverkauftem Haus.",
                "Der Trainer lobte seine jungen Verteidiger und sprach von einem Lernprozess.",
            ],
        ),
        "fr": (
            [
                "Un but tardif envoie {city} en finale de la coupe",
                "Hockey : l'équipe locale s'impose en prolongation",
            ],
            [
                "Une tête à la quatre-vingt-dixième minute a décidé de la demi-finale "
                "devant un stade comble.",
                "L'entraîneur a salué ses jeunes défenseurs et parlé d'une équipe qui "
                "apprend vite.",
            ],
        ),
    },
    "business": {
        "en": (
            ["Gas prices ease as storage levels rise", "Central bank holds rates, signals caution"],
            [
                "Wholesale gas prices fell for a third week as storage sites filled "
                "faster than expected.",
                "The central bank kept its key rate unchanged and said inflation was "
                "cooling only slowly.",
                "Analysts expect exporters in {country} to benefit from the weaker currency.",
            ],
        ),
        "ru": (
            [
                "Цены на газ снижаются на фоне заполнения хранилищ",
                "Центробанк сохранил ключевую ставку",
            ],
            [
                "Оптовые цены на газ снижаются третью неделю подряд, хранилища "
                "заполняются быстрее ожиданий.",
                "Центральный банк сохранил ключевую ставку и заявил, что инфляция "
                "замедляется медленно.",
            ],
        ),
        "de": (
            [
                "Gaspreise sinken bei steigenden Speicherständen",
                "Zentralbank lässt Leitzins unverändert",
            ],
            [
                "Die Großhandelspreise für Gas fielen die dritte Woche in Folge, die "
                "Speicher füllen sich schneller als erwartet.",
                "Die Zentralbank beließ den Leitzins unverändert und mahnte zur Vorsicht.",
            ],
        ),
        "fr": (
            [
                "Les prix du gaz reculent avec le remplissage des stocks",
                "La banque centrale maintient ses taux",
            ],
            [
                "Les prix de gros du gaz ont baissé pour la troisième semaine consécutive.",
                "La banque centrale a laissé son taux directeur inchangé et appelé à la prudence.",
            ],
        ),
    },
}

# Neutral context sentences (no narrative) used to pad every article.
FILLER: dict[str, list[str]] = {
    "en": [
        "The remarks came ahead of a meeting of foreign ministers in {city}.",
        "Officials in {country} declined to comment on the statement.",
        "The debate over the alliance's post-Cold War history has resurfaced repeatedly "
        "over the past three decades.",
        "Analysts expect the issue to feature prominently at the next summit.",
        "The full transcript was published on the ministry's website later in the day.",
        "Diplomats said the talks would continue at a lower level next month.",
    ],
    "ru": [
        "Заявление прозвучало накануне встречи министров иностранных дел в {city}.",
        "Официальные лица отказались от комментариев.",
        "Спор об истории альянса после окончания холодной войны возникает снова и снова "
        "на протяжении трёх десятилетий.",
        "Аналитики ожидают, что тема станет одной из главных на ближайшем саммите.",
        "Полная стенограмма была опубликована на сайте министерства позднее в тот же день.",
    ],
    "de": [
        "Die Äußerungen fielen vor einem Treffen der Außenminister in {city}.",
        "Die Regierung in {country} wollte die Erklärung nicht kommentieren.",
        "Der Streit über die Geschichte des Bündnisses nach dem Kalten Krieg flammt seit "
        "drei Jahrzehnten immer wieder auf.",
        "Beobachter erwarten, dass das Thema auch den nächsten Gipfel prägen wird.",
        "Das vollständige Protokoll wurde später am Tag veröffentlicht.",
    ],
    "fr": [
        "Ces propos interviennent avant une réunion des ministres des Affaires étrangères "
        "à {city}.",
        "Les autorités n'ont pas souhaité commenter la déclaration.",
        "Le débat sur l'histoire de l'Alliance après la guerre froide ressurgit "
        "régulièrement depuis trois décennies.",
        "Les analystes s'attendent à ce que la question domine le prochain sommet.",
        "La transcription intégrale a été publiée plus tard dans la journée.",
    ],
}

# Page chrome words per language.
CHROME: dict[str, dict[str, str]] = {
    "en": {
        "also": "Also read",
        "related": "Related stories",
        "comments": "Comments",
        "cookie": "We use cookies to improve your experience. Accept all cookies?",
        "accept": "Accept",
        "most_read": "Most read",
        "by": "By",
        "share": "Share this article",
        "rights": "All rights reserved.",
        "nav": "Home|World|Politics|Business|Sport|Opinion",
    },
    "ru": {
        "also": "Читайте также",
        "related": "Похожие материалы",
        "comments": "Комментарии",
        "cookie": "Мы используем файлы cookie. Продолжая, вы соглашаетесь с этим.",
        "accept": "Принять",
        "most_read": "Самое читаемое",
        "by": "Автор:",
        "share": "Поделиться",
        "rights": "Все права защищены.",
        "nav": "Главная|В мире|Политика|Экономика|Спорт|Мнения",
    },
    "de": {
        "also": "Lesen Sie auch",
        "related": "Mehr zum Thema",
        "comments": "Kommentare",
        "cookie": "Wir verwenden Cookies. Stimmen Sie der Nutzung zu?",
        "accept": "Zustimmen",
        "most_read": "Meistgelesen",
        "by": "Von",
        "share": "Artikel teilen",
        "rights": "Alle Rechte vorbehalten.",
        "nav": "Startseite|Politik|Ausland|Wirtschaft|Sport|Meinung",
    },
    "fr": {
        "also": "À lire aussi",
        "related": "Sur le même sujet",
        "comments": "Commentaires",
        "cookie": "Nous utilisons des cookies. Acceptez-vous leur utilisation ?",
        "accept": "Accepter",
        "most_read": "Les plus lus",
        "by": "Par",
        "share": "Partager l'article",
        "rights": "Tous droits réservés.",
        "nav": "Accueil|International|Politique|Économie|Sport|Opinions",
    },
}

COMMENTS: dict[str, list[str]] = {
    "en": [
        "Great piece, thanks.",
        "Same story every year.",
        "Who wrote this headline?",
        "Finally someone says it.",
        "Source please.",
    ],
    "ru": [
        "Спасибо за статью.",
        "Одно и то же каждый год.",
        "Наконец-то кто-то сказал.",
        "А источник где?",
    ],
    "de": [
        "Danke für den Artikel.",
        "Jedes Jahr dasselbe.",
        "Quelle bitte.",
        "Endlich sagt es mal jemand.",
    ],
    "fr": [
        "Merci pour l'article.",
        "Toujours la même histoire.",
        "Source ?",
        "Enfin quelqu'un le dit.",
    ],
}

AUTHORS: dict[str, list[str]] = {
    "en": ["Anna Clarke", "James Whitfield", "Priya Natarajan", "Tom Eriksen", "Laura Quinn"],
    "ru": ["Ирина Соколова", "Павел Орлов", "Марина Кузнецова", "Денис Волков"],
    "de": ["Katrin Vogel", "Martin Albrecht", "Sabine Krüger", "Jonas Heller"],
    "fr": ["Claire Dumas", "Julien Moreau", "Élise Garnier", "Hugo Lefèvre"],
}
