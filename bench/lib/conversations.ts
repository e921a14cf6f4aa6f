// A multi-session conversation set written for this project: three long chats between a user and an assistant,
// each dialogue turn stored as one memory of that user, and questions that cite the turns answering them (the
// shape of public long-conversation memory benchmarks). Facts come from hand-written lists; small talk and the
// assistant's replies are woven around them deterministically, so every run builds the same conversations.
import { rng } from "./vectors.ts";

/** A turn, and when it was said: each fact opens a session of its own, four days after the one before. */
export interface Turn { index: number; speaker: string; text: string; at: Date }
export interface Question { question: string; cites: number[] }
export interface Conversation { user: string; turns: Turn[]; questions: Question[]; unanswerable: string[]; oneWord: string[] }

/** [what the user says, a question about it]: the question shares a word or two with the turn, rarely more. */
type Fact = [string, string];

const MAYA: Fact[] = [
  ["I finally signed up for cello lessons, every Tuesday evening after my shift", "What instrument is Maya learning?"],
  ["My sister Ana just moved to Porto for a new job at a bookshop", "Where did Maya's sister move?"],
  ["I work night shifts as a nurse in the paediatric ward at Santa Maria hospital", "What is Maya's job?"],
  ["We adopted a grey cat from the shelter last weekend and named her Nuvem", "What is the name of Maya's cat?"],
  ["I'm allergic to shellfish, so I always skip the prawns at family dinners", "What food is Maya allergic to?"],
  ["My grandmother turns ninety in June and we're planning a big lunch in Sintra", "Where is the lunch for the grandmother's birthday?"],
  ["I've been training for the Lisbon half marathon in October", "Which race is Maya training for?"],
  ["My favourite book is One Hundred Years of Solitude, I reread it every summer", "What is Maya's favourite book?"],
  ["Pedro, my boyfriend, is a civil engineer who builds bridges", "What does Maya's boyfriend do for work?"],
  ["I bought a second-hand Vespa to get around the city", "How does Maya get around the city?"],
  ["We're going to Japan in April to see the cherry blossoms", "When is Maya travelling to Japan?"],
  ["I can't stand coriander, it tastes like soap to me", "Which herb does Maya dislike?"],
  ["I volunteer at the food bank on the first Saturday of every month", "Where does Maya volunteer?"],
  ["My dad had knee surgery last month and is recovering well", "What surgery did Maya's father have?"],
  ["I'm learning Japanese with an app, twenty minutes a day", "How long does Maya study Japanese each day?"],
  ["Our flat in Alfama has a tiny balcony where I grow basil and tomatoes", "What does Maya grow on her balcony?"],
  ["I drink way too much coffee, like four espressos on a night shift", "How many espressos does Maya drink on a night shift?"],
  ["My best friend Joana is getting married in September in the Douro valley", "Where is Joana's wedding?"],
  ["I started a pottery class on Thursdays, I made a wonky bowl", "What class does Maya take on Thursdays?"],
  ["I hate flying, I take a pill to calm down before every flight", "How does Maya cope with flying?"],
  ["My brother Rui plays drums in a punk band called Maré Alta", "What is the name of Rui's band?"],
  ["I'm saving up for a used electric car, hopefully by next spring", "What is Maya saving money for?"],
  ["Pedro and I have been together for six years now", "How long have Maya and Pedro been together?"],
  ["I grew up in a small village near Évora surrounded by cork trees", "Where did Maya grow up?"],
  ["I passed my advanced life support certification yesterday", "Which certification did Maya pass?"],
  ["I'm vegetarian on weekdays but I eat fish on weekends", "What does Maya eat on weekends?"],
  ["My favourite band is Radiohead, I saw them live in Paris once", "Where did Maya see Radiohead live?"],
  ["I get migraines when I don't sleep enough after a night shift", "What gives Maya migraines?"],
  ["I have a fear of deep water since I almost drowned as a kid", "What is Maya afraid of?"],
  ["My mum teaches maths at a secondary school in Setúbal", "What subject does Maya's mother teach?"],
  ["I run along the river in Belém three mornings a week", "Where does Maya go running?"],
  ["I'm reading a book about the history of the Portuguese tiles, azulejos", "What is the book Maya is reading about?"],
  ["My phone screen cracked again, third time this year", "What happened to Maya's phone?"],
  ["We host a board game night every Friday, our favourite is Catan", "Which board game does Maya's group like most?"],
  ["I want to do a master's degree in public health abroad", "What degree does Maya want to study?"],
  ["I'm terrible at cooking rice, it always ends up mushy", "What food does Maya struggle to cook?"],
  ["My cousin Inês just had twins, a boy and a girl", "Who just had twins?"],
  ["I knit scarves for my colleagues every winter", "What does Maya make for her colleagues?"],
  ["My favourite beach is Praia da Ursa, it's wild and hard to reach", "Which beach does Maya like best?"],
  ["I broke my wrist skateboarding when I was fifteen", "How did Maya break her wrist?"],
  ["Pedro snores so loudly I bought earplugs", "Why did Maya buy earplugs?"],
  ["I'm thinking about switching to the intensive care unit next year", "Which unit might Maya move to?"],
  ["My nephew Tiago is obsessed with dinosaurs", "What is Tiago obsessed with?"],
  ["I took a sign language course so I can talk to a deaf patient's family", "Why did Maya learn sign language?"],
  ["We're repainting the living room a pale green colour", "What colour is the new living room paint?"],
  ["I listen to true crime podcasts on my commute", "What podcasts does Maya listen to?"],
  ["My blood type is O negative so I donate blood every four months", "How often does Maya donate blood?"],
  ["I'm lactose intolerant but I still sneak a pastel de nata sometimes", "What pastry does Maya still eat?"],
  ["I speak Spanish fluently because my grandfather was from Seville", "Why does Maya speak Spanish?"],
  ["I dream of opening a small clinic in my home village one day", "What does Maya dream of opening?"],
  ["Our landlord raised the rent by fifty euros this month", "By how much did the rent go up?"],
  ["I sprained my ankle during the 10 km race in Cascais", "Where did Maya sprain her ankle?"],
  ["My favourite dish is my grandmother's bacalhau com natas", "What is Maya's favourite dish?"],
  ["I keep a gratitude journal before bed", "What does Maya write before bed?"],
  ["We are thinking of getting a second cat to keep Nuvem company", "Why is Maya thinking of a second cat?"],
];

const DANIEL: Fact[] = [
  ["I just accepted a job offer as a data analyst at a logistics company in Rotterdam", "Where is Daniel's new job?"],
  ["My daughter Lily turned four yesterday and wants to be an astronaut", "What does Lily want to be?"],
  ["I've been a vegan for three years now, mostly for the animals", "How long has Daniel been vegan?"],
  ["My wife Sarah is a veterinarian who specialises in horses", "What kind of animals does Sarah treat?"],
  ["I play five-a-side football every Wednesday night with old university friends", "When does Daniel play football?"],
  ["We're renovating the kitchen and the contractor is three weeks late", "What room is being renovated?"],
  ["I'm allergic to penicillin, found out the hard way as a teenager", "Which medicine is Daniel allergic to?"],
  ["I grew up in Leeds but moved to the Netherlands in 2016", "When did Daniel move to the Netherlands?"],
  ["My dad is teaching me woodworking, we're building a bookshelf", "What are Daniel and his dad building?"],
  ["I'm learning Dutch twice a week at the community centre", "Where is Daniel taking Dutch lessons?"],
  ["Our dog Biscuit is a border collie who herds the children", "What breed is Biscuit?"],
  ["I cycle forty minutes to work even in the rain", "How long is Daniel's commute by bike?"],
  ["My brother Tom lives in Vancouver and works in video games", "Where does Tom live?"],
  ["I'm running my first full marathon in Berlin next September", "Which marathon is Daniel running?"],
  ["I can't drink coffee after noon or I don't sleep at all", "Why does Daniel avoid coffee in the afternoon?"],
  ["My favourite film is Spirited Away, I watch it with Lily", "What is Daniel's favourite film?"],
  ["We spent our honeymoon hiking in Patagonia", "Where did Daniel go on honeymoon?"],
  ["I broke my collarbone falling off my bike last winter", "What bone did Daniel break?"],
  ["I brew my own beer in the garage, currently an IPA", "What beer is Daniel brewing?"],
  ["My son Noah is starting primary school in August", "When does Noah start school?"],
  ["I support Leeds United, which is a lifelong pain", "Which football club does Daniel support?"],
  ["I have mild asthma and carry an inhaler when I run", "What does Daniel carry when running?"],
  ["Sarah and I met at a climbing gym in Sheffield", "Where did Daniel meet Sarah?"],
  ["I volunteer as a coach for Lily's under-six football team", "Which team does Daniel coach?"],
  ["I want to learn to sail before I turn forty", "What does Daniel want to learn before forty?"],
  ["My mum is recovering from a hip replacement", "What operation did Daniel's mother have?"],
  ["We grow potatoes and courgettes in an allotment near the canal", "What do they grow at the allotment?"],
  ["I hate mushrooms, the texture makes me gag", "Which food does Daniel hate?"],
  ["I read mostly science fiction, I just finished Dune again", "What book did Daniel just finish?"],
  ["My car is an old Volvo estate that smells like dog", "What car does Daniel drive?"],
  ["I'm trying to cut down screen time to two hours a day", "How much screen time is Daniel aiming for?"],
  ["I play chess online every night after the kids are asleep", "When does Daniel play chess?"],
  ["My grandad was a coal miner in Yorkshire", "What was the grandad's job?"],
  ["We're going camping in the Ardennes for the May holiday", "Where are they camping in May?"],
  ["I've started meditating ten minutes every morning", "How long does Daniel meditate?"],
  ["My best mate Raj is getting married in Mumbai in December", "Where is Raj's wedding?"],
  ["I'm colour blind, red and green look almost the same to me", "Which colours does Daniel confuse?"],
  ["I earn a bit extra by tutoring statistics online", "What subject does Daniel tutor?"],
  ["Our heating broke and the plumber comes on Friday", "When is the plumber coming?"],
  ["I'm scared of spiders, Sarah has to remove them", "What is Daniel scared of?"],
  ["My favourite meal is a spicy chickpea curry with rice", "What is Daniel's favourite meal?"],
  ["Lily has a peanut allergy so we check every label", "Who has a peanut allergy?"],
  ["I used to play the trumpet in a brass band", "What instrument did Daniel play?"],
  ["We're saving for a bigger house with a garden for Biscuit", "Why are they saving money?"],
  ["I speak German too because I studied in Munich for a year", "Where did Daniel study for a year?"],
  ["My sister Emma is a nurse in Manchester", "What does Emma do?"],
  ["I collect vinyl records, mostly seventies soul", "What kind of records does Daniel collect?"],
  ["I did a course in beekeeping and want two hives", "How many hives does Daniel want?"],
  ["I'm short-sighted and finally got contact lenses", "What did Daniel get for his eyes?"],
  ["Noah is afraid of the dark so we bought a star projector", "Why did they buy a star projector?"],
  ["My team at work uses Python and SQL all day", "Which languages does Daniel's team use?"],
  ["I go to the sauna every Sunday evening to relax", "When does Daniel go to the sauna?"],
  ["We celebrate Sinterklaas and Christmas now for the kids", "Which holidays do they celebrate?"],
  ["My bike got stolen outside the train station last week", "Where was Daniel's bike stolen?"],
  ["I want to visit Japan to see the temples in Kyoto", "Which city in Japan does Daniel want to visit?"],
];

const PRIYA: Fact[] = [
  ["I just defended my PhD thesis on coral reef bleaching", "What was Priya's PhD about?"],
  ["I live in a shared house in Brighton with three flatmates", "How many flatmates does Priya have?"],
  ["My parents run a small pharmacy in Leicester", "What business do Priya's parents run?"],
  ["I learned to scuba dive in the Maldives during fieldwork", "Where did Priya learn to dive?"],
  ["I'm gluten intolerant so bread is mostly off the menu", "What can't Priya eat?"],
  ["My partner Alex is a jazz pianist who plays in hotel bars", "What does Alex play?"],
  ["I'm training to swim across the Solent for charity in July", "What is Priya swimming across?"],
  ["My little brother Arjun is studying medicine in Edinburgh", "What is Arjun studying?"],
  ["I do yoga at six in the morning before the lab", "When does Priya do yoga?"],
  ["My favourite author is Arundhati Roy", "Who is Priya's favourite author?"],
  ["I have a rescue greyhound called Pepper who is scared of stairs", "What is Pepper scared of?"],
  ["I'm applying for a postdoc in Townsville, Australia", "Where is the postdoc Priya is applying for?"],
  ["My grandmother taught me to cook dal when I was eight", "Who taught Priya to cook?"],
  ["I drink chai every afternoon at four without fail", "What does Priya drink every afternoon?"],
  ["I broke my toe kicking a door frame in the dark", "How did Priya break her toe?"],
  ["We're going to Iceland in February to see the northern lights", "Why are they going to Iceland?"],
  ["I hate horror films, I hide behind a cushion", "What films does Priya hate?"],
  ["I play badminton on Mondays at the university sports hall", "Which sport does Priya play on Mondays?"],
  ["My cousin Meera is getting married in Jaipur next spring", "Where is Meera's wedding?"],
  ["I write a small blog about ocean plastics", "What is Priya's blog about?"],
  ["I get seasick on small boats which is awkward for a marine biologist", "What problem does Priya have on boats?"],
  ["I'm learning Portuguese because the reef project has partners in Brazil", "Why is Priya learning Portuguese?"],
  ["Alex and I are thinking about adopting a second dog", "What are they thinking of adopting?"],
  ["My bike is a green Dutch bike with a basket for Pepper", "What colour is Priya's bike?"],
  ["I'm terrible at parallel parking, I avoid driving in town", "What is Priya bad at?"],
  ["My favourite food is masala dosa from a stall in Leicester", "What is Priya's favourite food?"],
  ["I volunteer for beach cleans every second Sunday", "How often does Priya do beach cleans?"],
  ["I have a tattoo of a sea turtle on my ankle", "What tattoo does Priya have?"],
  ["My dad is diabetic so we cook with less sugar at home", "Who in the family is diabetic?"],
  ["I'm reading Braiding Sweetgrass for a book club", "What is Priya reading for her book club?"],
  ["I sing alto in a community choir on Thursday nights", "What does Priya do on Thursday nights?"],
  ["I won a photography prize for an underwater picture of a manta ray", "What was the prize-winning photo of?"],
  ["My flatmate Jess is a firefighter", "What does Jess do for a job?"],
  ["I want to run a marine conservation charity someday", "What kind of charity does Priya want to run?"],
  ["I had my appendix out during my second year of university", "What surgery did Priya have?"],
  ["I can't whistle at all, it's a family joke", "What can't Priya do?"],
  ["My laptop died the week before my thesis deadline", "When did Priya's laptop die?"],
  ["Alex's band plays at the Jazz Café every first Friday", "Where does Alex's band play?"],
  ["I'm scared of heights but I still did a bungee jump", "What did Priya do despite her fear of heights?"],
  ["I grow chillies on the windowsill, they're very hot", "What does Priya grow on the windowsill?"],
  ["My mum sends me homemade pickles every month", "What does Priya's mum send her?"],
  ["I run a 5 km parkrun every Saturday morning", "What does Priya do on Saturday mornings?"],
  ["I speak Gujarati with my grandparents on the phone", "Which language does Priya speak with her grandparents?"],
  ["Pepper eats a special diet because of a sensitive stomach", "Why does Pepper eat special food?"],
  ["I'm taking a pottery wheel class with Jess", "Which class is Priya taking with Jess?"],
  ["My student loan is finally paid off", "What debt did Priya pay off?"],
  ["I love rainy days with a jigsaw puzzle and tea", "What does Priya like to do on rainy days?"],
  ["I presented my research at a conference in Honolulu", "Where did Priya present her research?"],
  ["We're redecorating the bedroom in dark blue", "What colour is the bedroom?"],
  ["I want to learn to surf properly this summer", "What does Priya want to learn this summer?"],
  ["My favourite museum is the Natural History Museum in London", "Which museum does Priya like best?"],
  ["I keep forgetting my keys so I bought a tracker", "Why did Priya buy a tracker?"],
  ["Alex is teaching me a little piano, I can play one song", "Who is teaching Priya piano?"],
  ["I'm allergic to wasp stings and carry an EpiPen", "Why does Priya carry an EpiPen?"],
  ["My first job was at a fish and chip shop in Skegness", "Where was Priya's first job?"],
];

// Small talk and the assistant's side: what fills a real chat between the facts.
const SMALL_TALK = [
  "haha yes exactly", "ok thanks", "that makes sense", "long day today", "I'm so tired honestly", "good morning!",
  "not much happening today", "the weather is awful again", "I need more sleep", "lol", "anyway, how are you?",
  "sorry, got distracted", "that's a good point", "I'll think about it", "can you remind me later?", "hmm maybe",
  "thanks for listening", "what do you think?", "yeah I guess so", "I had pasta for lunch", "back again",
  "it was a busy weekend", "just checking in", "nothing new really", "I forgot what I was going to say",
];
const REPLIES = [
  "That sounds great, tell me more!", "I'll remember that.", "How did that make you feel?", "Good to know.",
  "That must have been a lot.", "Thanks for sharing that with me.", "What happened next?", "I'm glad to hear it.",
  "That's interesting!", "Do you want me to remind you about it?", "Sounds like a busy week.", "Noted.",
  "Oh no, I'm sorry to hear that.", "That's wonderful news.", "How are you feeling about it?", "Got it.",
];

// Questions about the user that nothing in their conversation answers.
const UNANSWERED: Record<string, string[]> = {
  Maya: ["What is Maya's favourite football team?", "Does Maya own a motorbike?", "What is Maya's shoe size?",
    "Which political party does Maya vote for?", "What is Maya's favourite ice cream flavour?"],
  Daniel: ["What is Daniel's favourite opera?", "Does Daniel speak Japanese?", "What is Daniel's shoe size?",
    "Which tattoo does Daniel have?", "Has Daniel ever been skydiving?"],
  Priya: ["What car does Priya drive?", "Does Priya play golf?", "What is Priya's favourite football club?",
    "How much does Priya earn?", "Which games console does Priya own?"],
};

// Questions about things the user never said that share one ordinary word with something they did say ("favourite",
// "house", "coffee"): a search that answers them with that memory answers a question nobody asked of it.
const ONE_WORD: Record<string, string[]> = {
  Maya: ["What is Maya's favourite movie?", "Which river did Maya swim in as a child?", "What is the name of Maya's dentist?",
    "How many windows does Maya's flat have?", "Which hospital was Maya born in?", "Which phone carrier does Maya use?",
    "How much did Maya's coffee machine cost?"],
  Daniel: ["What is Daniel's favourite song?", "Which gym does Daniel lift weights at?", "Who is Daniel's boss at work?",
    "What colour is Daniel's front door?", "When was Daniel's house built?", "What is Daniel's usual coffee order?"],
  Priya: ["What is Priya's favourite song?", "How many stars does Priya's hotel have?", "What is Priya's house number?",
    "Which boat does Priya own?", "What time does Priya's lab close?", "What is Priya's tea brand?"],
};

/**
 * When a question is asked about: dates and periods a question may name that the conversations never write down
 * (chat turns carry no dates in their text). Appended to answerable questions, they must not empty the answer.
 */
export const DATE_PHRASES = ["on 16 March, 2023", "in the summer of 2022", "back in 2021", "on 3 February 2024",
  "around Easter 2023", "on the 21st of November", "in late 2019", "on 7/14/2022", "two years ago", "in Q3 2023"];

function build(user: string, facts: Fact[], seed: number): Conversation {
  const random = rng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const turns: Turn[] = [];
  const questions: Question[] = [];
  let at = new Date(Date.UTC(2024, 0, 1, 9));
  const say = (speaker: string, text: string) => {
    turns.push({ index: turns.length, speaker, text: `${speaker}: ${text}`, at });
    at = new Date(at.getTime() + 60_000);
  };
  for (const [n, [fact, question]] of facts.entries()) {
    at = new Date(Date.UTC(2024, 0, 1 + 4 * n, 9));
    // A fact arrives after some small talk, and the assistant answers each user turn.
    for (let i = Math.floor(random() * 3) + 1; i > 0; i--) {
      say(user, pick(SMALL_TALK));
      say("Assistant", pick(REPLIES));
    }
    say(user, fact);
    questions.push({ question, cites: [turns.length - 1] });
    say("Assistant", pick(REPLIES));
  }
  return { user, turns, questions, unanswerable: UNANSWERED[user], oneWord: ONE_WORD[user] };
}

export const CONVERSATIONS: Conversation[] = [build("Maya", MAYA, 101), build("Daniel", DANIEL, 202), build("Priya", PRIYA, 303)];
