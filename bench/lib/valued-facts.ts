// Generated facts that carry values (names, places, numbers, days, months), for bench:quality at 10,000 memories
// per user: base facts, planted rewordings of some (duplicates), planted variants differing in one value
// (distinct), a question for each base fact, and questions nothing answers.
import { rng } from "./vectors.ts";

const NAMES = ["Ana", "Maria", "Joao", "Pedro", "Ines", "Rui", "Sofia", "Tiago", "Marta", "Luis", "Clara", "Hugo", "Beatriz",
  "Diogo", "Lara", "Nuno", "Rita", "Bruno", "Carla", "Filipe", "Helena", "Ivo", "Joana", "Kevin", "Leonor", "Mateus", "Nadia",
  "Oscar", "Paula", "Quentin", "Raquel", "Sergio", "Teresa", "Ulisses", "Vera", "Wagner", "Xavier", "Yara", "Zara", "Amelia",
  "Boris", "Celia", "Dario", "Elsa", "Fabio", "Gloria", "Heitor", "Irene", "Jonas", "Karin", "Lucas", "Mirela", "Nelson",
  "Olga", "Patricio", "Rosa", "Simao", "Tomas", "Ursula", "Vasco"];
const CITIES = ["Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Evora", "Aveiro", "Madrid", "Seville", "Valencia", "Paris",
  "Lyon", "Berlin", "Munich", "Hamburg", "Vienna", "Prague", "Warsaw", "Dublin", "London", "Leeds", "Glasgow", "Oslo",
  "Bergen", "Helsinki", "Tallinn", "Riga", "Vilnius", "Krakow", "Budapest", "Zagreb", "Ljubljana", "Trieste", "Milan", "Turin",
  "Naples", "Bari", "Athens", "Sofia", "Bucharest"];
const COUNTRIES = ["Japan", "Peru", "Kenya", "Norway", "Canada", "Chile", "Vietnam", "Morocco", "Iceland", "Mexico", "Greece",
  "Turkey", "India", "Brazil", "Egypt", "Nepal", "Cuba", "Jordan", "Laos", "Ghana"];
const RELATIONS = ["sister", "brother", "cousin", "aunt", "uncle", "mother", "father", "daughter", "son", "niece", "nephew"];
const JOBS = ["nurse", "teacher", "plumber", "architect", "pharmacist", "baker", "lawyer", "pilot", "chef", "librarian",
  "electrician", "dentist", "journalist", "accountant", "gardener", "firefighter", "translator", "carpenter", "surgeon",
  "photographer"];
const DRUGS = ["aspirin", "metformin", "lisinopril", "atorvastatin", "omeprazole", "levothyroxine", "amlodipine",
  "sertraline", "ibuprofen", "melatonin", "vitamin", "magnesium", "iron", "zinc", "folate"];
const TIMES = ["morning", "evening", "night", "afternoon"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December"];
const PROJECTS = ["kitchen", "garden", "website", "budget", "wedding", "roof", "thesis", "podcast", "exhibition", "festival",
  "migration", "launch", "audit", "fundraiser", "mural"];
const COLORS = ["red", "blue", "green", "yellow", "black", "white", "grey", "orange", "purple", "brown"];
const ITEMS = ["lamp", "jacket", "bicycle", "teapot", "backpack", "guitar", "rug", "kettle", "umbrella", "chair", "mirror",
  "camera", "blender", "scarf", "clock"];
const SPORTS = ["tennis", "squash", "badminton", "padel", "volleyball", "basketball", "handball", "table tennis", "golf", "bowling"];
const FILLERS = ["Honestly,", "Actually,", "Really,", "Basically,"];

export interface ValuedFact { key: string; fact: string; question: string }

type Template = (pick: <T>(list: T[]) => T, n: () => number) => ValuedFact;

// Each kind of fact is phrased three ways, as an extractor would write them over months of chats.
const TEMPLATES: Template[] = [
  (pick, n) => {
    const [rel, name, job, city, year] = [pick(RELATIONS), pick(NAMES), pick(JOBS), pick(CITIES), 1990 + n() % 34];
    return { key: `job|${rel}|${name}|${job}|${city}|${year}`,
      fact: pick([`The user's ${rel} ${name} works as a ${job} at a small company in ${city} since ${year}`,
        `${name}, the user's ${rel}, has been a ${job} in ${city} since ${year}`,
        `Since ${year} the user's ${rel} ${name} has worked in ${city} as a ${job}`]),
      question: `What does the user's ${rel} ${name} do for a living in ${city}?` };
  },
  (pick, n) => {
    const [dose, drug, time] = [5 * (1 + n() % 100), pick(DRUGS), pick(TIMES)];
    return { key: `drug|${dose}|${drug}|${time}`,
      fact: pick([`The user takes ${dose} mg of ${drug} every ${time} before breakfast with a glass of water`,
        `Every ${time} the user needs ${dose} mg of ${drug}`,
        `The doctor prescribed ${dose} mg of ${drug} for the user, to be taken each ${time}`]),
      question: `How much ${drug} does the user take in the ${time}?` };
  },
  (pick, n) => {
    const [name, project, day, hour] = [pick(NAMES), pick(PROJECTS), pick(DAYS), 8 + n() % 10];
    return { key: `meet|${name}|${project}|${day}|${hour}`,
      fact: pick([`The user has a meeting with ${name} about the ${project} project on ${day} at ${hour} o'clock sharp`,
        `On ${day} at ${hour} the user meets ${name} to discuss the ${project}`,
        `${name} and the user will talk through the ${project} plans on ${day} at ${hour}`]),
      question: `When is the user meeting ${name} about the ${project}?` };
  },
  (pick, n) => {
    const [color, item, price, city] = [pick(COLORS), pick(ITEMS), 5 + n() % 300, pick(CITIES)];
    return { key: `buy|${color}|${item}|${price}|${city}`,
      fact: pick([`The user bought a ${color} ${item} for ${price} euros at the flea market in ${city} last weekend`,
        `At a market in ${city} the user found a ${color} ${item} and paid ${price} euros for it`,
        `The user's new ${color} ${item} cost ${price} euros in ${city}`]),
      question: `Where did the user buy the ${color} ${item}?` };
  },
  (pick) => {
    const [country, name, month] = [pick(COUNTRIES), pick(NAMES), pick(MONTHS)];
    return { key: `trip|${country}|${name}|${month}`,
      fact: pick([`The user is planning a long trip to ${country} with ${name} in ${month} to visit some old friends`,
        `In ${month} the user and ${name} are flying to ${country}`,
        `The user booked a holiday in ${country} for ${month}, travelling with ${name}`]),
      question: `When is the user travelling to ${country} with ${name}?` };
  },
  (pick) => {
    const [sport, name, day] = [pick(SPORTS), pick(NAMES), pick(DAYS)];
    return { key: `sport|${sport}|${name}|${day}`,
      fact: pick([`The user plays ${sport} with ${name} every ${day} evening at the sports club near their home`,
        `Every ${day} the user and ${name} play ${sport}`,
        `${name} is the user's ${sport} partner on ${day}s`]),
      question: `Who does the user play ${sport} with on ${day}?` };
  },
];

/** One value swapped for another of its kind: the fact is distinct, its words nearly the same. */
function variantOf(fact: string, random: () => number): string | null {
  for (const list of [NAMES, CITIES, COUNTRIES, DAYS, MONTHS, RELATIONS]) {
    const present = list.filter((v) => new RegExp(`\\b${v}\\b`).test(fact));
    if (present.length) {
      const from = present[0];
      const to = list.filter((v) => v !== from)[Math.floor(random() * (list.length - 1))];
      return fact.replace(new RegExp(`\\b${from}\\b`), to);
    }
  }
  const number = /\b(\d+)\b/.exec(fact);
  return number ? fact.replace(number[0], String(Number(number[1]) + 1 + Math.floor(random() * 9))) : null;
}

export interface ValuedSet {
  base: ValuedFact[];
  /** [base index, reworded fact]: the same fact, one filler word more. */
  duplicates: [number, string][];
  /** [base index, varied fact]: one value changed. */
  distinct: [number, string][];
}

export function valuedFacts(count: number, planted: number, seed: number): ValuedSet {
  const random = rng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const n = () => Math.floor(random() * 1_000_000);
  const base: ValuedFact[] = [];
  const seen = new Set<string>();
  while (base.length < count - 2 * planted) {
    const f = TEMPLATES[base.length % TEMPLATES.length](pick, n);
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    base.push(f);
  }
  const duplicates: [number, string][] = [];
  const distinct: [number, string][] = [];
  const facts = new Set(base.map((b) => b.fact));
  for (let i = 0; duplicates.length < planted; i += 7) {
    duplicates.push([i % base.length, `${pick(FILLERS)} ${base[i % base.length].fact}`]);
  }
  for (let i = 3; distinct.length < planted; i += 11) {
    const varied = variantOf(base[i % base.length].fact, random);
    if (varied && !facts.has(varied)) {
      facts.add(varied);
      distinct.push([i % base.length, varied]);
    }
  }
  return { base, duplicates, distinct };
}

/** Questions about nothing any generated fact, labelled pair or conversation mentions. */
export const UNANSWERABLE = ["How does the user repair motorcycles?", "Which knitting patterns does the user like?",
  "What stocks is the user investing in?", "What does the user think about quantum computing?",
  "Does the user know how to surf?", "What is the user's blood type?", "Which chess openings does the user study?",
  "What is the user's shoe size?", "Does the user own a submarine?", "What violin concertos does the user practise?",
  "Which crypto wallet does the user use?", "How does the user feel about opera singers?",
  "What is the user's favourite helicopter?", "Does the user collect stamps?", "Which astronomy telescope does the user own?",
  "What tattoo parlour does the user visit?", "How often does the user go skydiving?", "What is the user's mortgage rate?",
  "Which vineyard does the user manage?", "Does the user breed reptiles?"];
