-- How a statement stands to what is known (issue 22): store_memory answers a relation for every statement
-- (duplicate, refines, conflicts, new) and names the memories it refines or conflicts with in `related`, for short
-- facts as for long ones (a wider candidate net: half of the statement's topic words).
--
-- The text rules read a fact through its form (private.fact_tokens): contractions expanded and British spellings
-- made American (private.word_forms, generated from the npm packages compromise and
-- american-british-english-translator by `npm run lexicon`), numbers as digits and ordinals as their number, clock
-- times in one form, filler words left out. The value guard (private.value_difference, now on two texts) gains
-- tense and aspect (was / is / will, used to, stopped, started, irregular past forms from compromise), comparison
-- and quantity, and the order of words: the same words in another order are the same fact only when whole phrases
-- or clauses move; a swap of two words around a relation, a subject and object, or words moved between clauses
-- is 'order or roles differ' (private.fact_roles, private.roles_differ). Deduplication applies the same guard.
--
-- A statement that adds a detail to a memory becomes its new version (status refined); one that conflicts is a
-- new memory beside it (status distinct), or with on_conflict => 'supersede' the new version of the memory it
-- conflicts with (status superseded). Nothing said is lost: a previous version stays in memory_history.
--
-- No table is rewritten: only memory_idempotency_keys gains a nullable column and a wider status check.

set check_function_bodies = off;

ALTER TABLE public.memory_idempotency_keys ADD COLUMN relation text;

ALTER TABLE public.memory_idempotency_keys
  ADD CONSTRAINT memory_idempotency_keys_relation_check CHECK ((relation = ANY (ARRAY['new'::text, 'duplicate'::text, 'refines'::text, 'conflicts'::text]))) NOT VALID;

ALTER TABLE public.memory_idempotency_keys VALIDATE CONSTRAINT memory_idempotency_keys_relation_check;

ALTER TABLE public.memory_idempotency_keys DROP CONSTRAINT memory_idempotency_keys_status_check;

ALTER TABLE public.memory_idempotency_keys
  ADD CONSTRAINT memory_idempotency_keys_status_check CHECK ((status = ANY (ARRAY['created'::text, 'distinct'::text, 'duplicate'::text, 'refined'::text, 'superseded'::text]))) NOT VALID;

ALTER TABLE public.memory_idempotency_keys VALIDATE CONSTRAINT memory_idempotency_keys_status_check;

DROP FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision);

DROP FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid);

DROP FUNCTION private.value_difference(text, text[], text, text[]);

-- Every store now searches the word index more than once (its candidates, and the wider net of its topic words):
-- without a pending list, a search reads no unsorted tail of recent inserts (measured: store_memory without an
-- embedding 3.18 ms p50 with it, 2.74 ms without, at 100,000 memories). An insert writes its words in place instead.
ALTER INDEX public.user_memories_active_words_idx SET (fastupdate = off);

CREATE FUNCTION private.word_forms() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select '{"''ll":"will","''m":"am","''re":"are","''ve":"have","accessorise":"accessorize","accessorised":"accessorized","accessorises":"accessorizes","accessorising":"accessorizing","acclimatisation":"acclimatization","acclimatise":"acclimatize","acclimatised":"acclimatized","acclimatises":"acclimatizes","acclimatising":"acclimatizing","accoutrements":"accouterments","aeon":"eon","aeons":"eons","aerogramme":"aerogram","aerogrammes":"aerograms","aeroplane":"airplane","aeroplanes":"airplanes","aesthete":"esthete","aesthetes":"esthetes","aesthetic":"esthetic","aesthetically":"esthetically","aesthetics":"esthetics","aetiology":"etiology","ageing":"aging","aggrandisement":"aggrandizement","agonise":"agonize","agonised":"agonized","agonises":"agonizes","agonising":"agonizing","agonisingly":"agonizingly","ain''t":"is not","almanack":"almanac","almanacks":"almanacs","alot":"a lot","aluminium":"aluminum","amortisable":"amortizable","amortisation":"amortization","amortisations":"amortizations","amortise":"amortize","amortised":"amortized","amortises":"amortizes","amortising":"amortizing","amphitheatre":"amphitheater","amphitheatres":"amphitheaters","anaemia":"anemia","anaemic":"anemic","anaesthesia":"anesthesia","anaesthetic":"anesthetic","anaesthetics":"anesthetics","anaesthetise":"anesthetize","anaesthetised":"anesthetized","anaesthetises":"anesthetizes","anaesthetising":"anesthetizing","anaesthetist":"anesthetist","anaesthetists":"anesthetists","anaesthetize":"anesthetize","anaesthetized":"anesthetized","anaesthetizes":"anesthetizes","anaesthetizing":"anesthetizing","analogue":"analog","analogues":"analogs","analyse":"analyze","analysed":"analyzed","analyses":"analyzes","analysing":"analyzing","anglicise":"anglicize","anglicised":"anglicized","anglicises":"anglicizes","anglicising":"anglicizing","annualised":"annualized","antagonise":"antagonize","antagonised":"antagonized","antagonises":"antagonizes","antagonising":"antagonizing","apologise":"apologize","apologised":"apologized","apologises":"apologizes","apologising":"apologizing","appal":"appall","appals":"appalls","appetiser":"appetizer","appetisers":"appetizers","appetising":"appetizing","appetisingly":"appetizingly","arbour":"arbor","arbours":"arbors","archaeological":"archeological","archaeologically":"archeologically","archaeologist":"archeologist","archaeologists":"archeologists","archaeology":"archeology","ardour":"ardor","arent":"are not","armour":"armor","armoured":"armored","armourer":"armorer","armourers":"armorers","armouries":"armories","armoury":"armory","artefact":"artifact","artefacts":"artifacts","authorise":"authorize","authorised":"authorized","authorises":"authorizes","authorising":"authorizing","axe":"ax","backpedalled":"backpedaled","backpedalling":"backpedaling","bannister":"banister","bannisters":"banisters","baptise":"baptize","baptised":"baptized","baptises":"baptizes","baptising":"baptizing","bastardise":"bastardize","bastardised":"bastardized","bastardises":"bastardizes","bastardising":"bastardizing","battleaxe":"battleax","baulk":"balk","baulked":"balked","baulking":"balking","baulks":"balks","bedevilled":"bedeviled","bedevilling":"bedeviling","behaviour":"behavior","behavioural":"behavioral","behaviourism":"behaviorism","behaviourist":"behaviorist","behaviourists":"behaviorists","behaviours":"behaviors","behove":"behoove","behoved":"behooved","behoves":"behooves","bejewelled":"bejeweled","belabour":"belabor","belaboured":"belabored","belabouring":"belaboring","belabours":"belabors","bevelled":"beveled","bevvies":"bevies","bevvy":"bevy","biassed":"biased","biassing":"biasing","bingeing":"binging","bougainvillaea":"bougainvillea","bougainvillaeas":"bougainvilleas","bowdlerise":"bowdlerize","bowdlerised":"bowdlerized","bowdlerises":"bowdlerizes","bowdlerising":"bowdlerizing","brb":"be right back","breathalyse":"breathalyze","breathalysed":"breathalyzed","breathalyser":"breathalyzer","breathalysers":"breathalyzers","breathalyses":"breathalyzes","breathalysing":"breathalyzing","brutalise":"brutalize","brutalised":"brutalized","brutalises":"brutalizes","brutalising":"brutalizing","buses":"busses","busing":"bussing","c''mere":"come here","c''mon":"come on","caesarean":"cesarean","caesareans":"cesareans","calibre":"caliber","calibres":"calibers","calliper":"caliper","callipers":"calipers","callisthenics":"calisthenics","can''t":"can not","canalise":"canalize","canalised":"canalized","canalises":"canalizes","canalising":"canalizing","cancellation":"cancelation","cancellations":"cancelations","cancelled":"canceled","cancelling":"canceling","candour":"candor","cannibalise":"cannibalize","cannibalised":"cannibalized","cannibalises":"cannibalizes","cannibalising":"cannibalizing","cannot":"can not","canonise":"canonize","canonised":"canonized","canonises":"canonizes","canonising":"canonizing","cant":"can not","capitalise":"capitalize","capitalised":"capitalized","capitalises":"capitalizes","capitalising":"capitalizing","caramelise":"caramelize","caramelised":"caramelized","caramelises":"caramelizes","caramelising":"caramelizing","carbonise":"carbonize","carbonised":"carbonized","carbonises":"carbonizes","carbonising":"carbonizing","carolled":"caroled","carolling":"caroling","catalogue":"catalog","catalogued":"cataloged","catalogues":"catalogs","cataloguing":"cataloging","catalyse":"catalyze","catalysed":"catalyzed","catalyses":"catalyzes","catalysing":"catalyzing","categorise":"categorize","categorised":"categorized","categorises":"categorizes","categorising":"categorizing","cauterise":"cauterize","cauterised":"cauterized","cauterises":"cauterizes","cauterising":"cauterizing","cavilled":"caviled","cavilling":"caviling","centigramme":"centigram","centigrammes":"centigrams","centilitre":"centiliter","centilitres":"centiliters","centimetre":"centimeter","centimetres":"centimeters","centralise":"centralize","centralised":"centralized","centralises":"centralizes","centralising":"centralizing","centre":"center","centred":"centered","centrefold":"centerfold","centrefolds":"centerfolds","centrepiece":"centerpiece","centrepieces":"centerpieces","centres":"centers","channelled":"channeled","channelling":"channeling","characterise":"characterize","characterised":"characterized","characterises":"characterizes","characterising":"characterizing","chequebook":"checkbook","chequebooks":"checkbooks","chequered":"checkered","chilli":"chili","chimaera":"chimera","chimaeras":"chimeras","chiselled":"chiseled","chiselling":"chiseling","circularise":"circularize","circularised":"circularized","circularises":"circularizes","circularising":"circularizing","civilise":"civilize","civilised":"civilized","civilises":"civilizes","civilising":"civilizing","clamour":"clamor","clamoured":"clamored","clamouring":"clamoring","clamours":"clamors","clangour":"clangor","clarinettist":"clarinetist","clarinettists":"clarinetists","collectivise":"collectivize","collectivised":"collectivized","collectivises":"collectivizes","collectivising":"collectivizing","colonisation":"colonization","colonise":"colonize","colonised":"colonized","coloniser":"colonizer","colonisers":"colonizers","colonises":"colonizes","colonising":"colonizing","colour":"color","colourant":"colorant","colourants":"colorants","coloured":"colored","coloureds":"coloreds","colourful":"colorful","colourfully":"colorfully","colouring":"coloring","colourize":"colorize","colourized":"colorized","colourizes":"colorizes","colourizing":"colorizing","colourless":"colorless","colours":"colors","commercialise":"commercialize","commercialised":"commercialized","commercialises":"commercializes","commercialising":"commercializing","compartmentalise":"compartmentalize","compartmentalised":"compartmentalized","compartmentalises":"compartmentalizes","compartmentalising":"compartmentalizing","computerise":"computerize","computerised":"computerized","computerises":"computerizes","computerising":"computerizing","conceptualise":"conceptualize","conceptualised":"conceptualized","conceptualises":"conceptualizes","conceptualising":"conceptualizing","connexion":"connection","connexions":"connections","contextualise":"contextualize","contextualised":"contextualized","contextualises":"contextualizes","contextualising":"contextualizing","cosier":"cozier","cosies":"cozies","cosiest":"coziest","cosily":"cozily","cosiness":"coziness","cosy":"cozy","coulda":"could have","couldnt":"could not","councillor":"councilor","councillors":"councilors","counselled":"counseled","counselling":"counseling","counsellor":"counselor","counsellors":"counselors","crenellated":"crenelated","criminalise":"criminalize","criminalised":"criminalized","criminalises":"criminalizes","criminalising":"criminalizing","criticise":"criticize","criticised":"criticized","criticises":"criticizes","criticising":"criticizing","crueller":"crueler","cruellest":"cruelest","crystallisation":"crystallization","crystallise":"crystallize","crystallised":"crystallized","crystallises":"crystallizes","crystallising":"crystallizing","cudgelled":"cudgeled","cudgelling":"cudgeling","customise":"customize","customised":"customized","customises":"customizes","customising":"customizing","decentralisation":"decentralization","decentralise":"decentralize","decentralised":"decentralized","decentralises":"decentralizes","decentralising":"decentralizing","decriminalisation":"decriminalization","decriminalise":"decriminalize","decriminalised":"decriminalized","decriminalises":"decriminalizes","decriminalising":"decriminalizing","defence":"defense","defenceless":"defenseless","defences":"defenses","dehumanisation":"dehumanization","dehumanise":"dehumanize","dehumanised":"dehumanized","dehumanises":"dehumanizes","dehumanising":"dehumanizing","demeanour":"demeanor","demilitarisation":"demilitarization","demilitarise":"demilitarize","demilitarised":"demilitarized","demilitarises":"demilitarizes","demilitarising":"demilitarizing","demobilisation":"demobilization","demobilise":"demobilize","demobilised":"demobilized","demobilises":"demobilizes","demobilising":"demobilizing","democratisation":"democratization","democratise":"democratize","democratised":"democratized","democratises":"democratizes","democratising":"democratizing","demonise":"demonize","demonised":"demonized","demonises":"demonizes","demonising":"demonizing","demoralisation":"demoralization","demoralise":"demoralize","demoralised":"demoralized","demoralises":"demoralizes","demoralising":"demoralizing","denationalisation":"denationalization","denationalise":"denationalize","denationalised":"denationalized","denationalises":"denationalizes","denationalising":"denationalizing","deodorise":"deodorize","deodorised":"deodorized","deodorises":"deodorizes","deodorising":"deodorizing","depersonalise":"depersonalize","depersonalised":"depersonalized","depersonalises":"depersonalizes","depersonalising":"depersonalizing","deputise":"deputize","deputised":"deputized","deputises":"deputizes","deputising":"deputizing","desensitisation":"desensitization","desensitise":"desensitize","desensitised":"desensitized","desensitises":"desensitizes","desensitising":"desensitizing","destabilisation":"destabilization","destabilise":"destabilize","destabilised":"destabilized","destabilises":"destabilizes","destabilising":"destabilizing","dialled":"dialed","dialling":"dialing","dialogue":"dialog","dialogues":"dialogs","diarrhoea":"diarrhea","didnt":"did not","digitise":"digitize","digitised":"digitized","digitises":"digitizes","digitising":"digitizing","disc":"disk","discolour":"discolor","discoloured":"discolored","discolouring":"discoloring","discolours":"discolors","discs":"disks","disembowelled":"disemboweled","disembowelling":"disemboweling","disfavour":"disfavor","dishevelled":"disheveled","dishonour":"dishonor","dishonourable":"dishonorable","dishonourably":"dishonorably","dishonoured":"dishonored","dishonouring":"dishonoring","dishonours":"dishonors","disorganisation":"disorganization","disorganised":"disorganized","distil":"distill","distils":"distills","doesnt":"does not","dont":"do not","dramatisation":"dramatization","dramatisations":"dramatizations","dramatise":"dramatize","dramatised":"dramatized","dramatises":"dramatizes","dramatising":"dramatizing","draught":"draft","draughtboard":"draftboard","draughtboards":"draftboards","draughtier":"draftier","draughtiest":"draftiest","draughtsman":"draftsman","draughtsmanship":"draftsmanship","draughtsmen":"draftsmen","draughtswoman":"draftswoman","draughtswomen":"draftswomen","draughty":"drafty","drivelled":"driveled","drivelling":"driveling","duelled":"dueled","duelling":"dueling","dun":"do not","dunno":"do not know","economise":"economize","economised":"economized","economises":"economizes","economising":"economizing","editorialise":"editorialize","editorialised":"editorialized","editorialises":"editorializes","editorialising":"editorializing","edoema":"edema","empathise":"empathize","empathised":"empathized","empathises":"empathizes","empathising":"empathizing","emphasise":"emphasize","emphasised":"emphasized","emphasises":"emphasizes","emphasising":"emphasizing","enamelled":"enameled","enamelling":"enameling","enamoured":"enamored","encyclopaedia":"encyclopedia","encyclopaedias":"encyclopedias","encyclopaedic":"encyclopedic","endeavour":"endeavor","endeavoured":"endeavored","endeavouring":"endeavoring","endeavours":"endeavors","energise":"energize","energised":"energized","energises":"energizes","energising":"energizing","enrol":"enroll","enrols":"enrolls","enthral":"enthrall","enthrals":"enthralls","epaulette":"epaulet","epaulettes":"epaulets","epicentre":"epicenter","epicentres":"epicenters","epilogue":"epilog","epilogues":"epilogs","epitomise":"epitomize","epitomised":"epitomized","epitomises":"epitomizes","epitomising":"epitomizing","equalisation":"equalization","equalise":"equalize","equalised":"equalized","equaliser":"equalizer","equalisers":"equalizers","equalises":"equalizes","equalising":"equalizing","eulogise":"eulogize","eulogised":"eulogized","eulogises":"eulogizes","eulogising":"eulogizing","evangelise":"evangelize","evangelised":"evangelized","evangelises":"evangelizes","evangelising":"evangelizing","exorcise":"exorcize","exorcised":"exorcized","exorcises":"exorcizes","exorcising":"exorcizing","extemporisation":"extemporization","extemporise":"extemporize","extemporised":"extemporized","extemporises":"extemporizes","extemporising":"extemporizing","externalisation":"externalization","externalisations":"externalizations","externalise":"externalize","externalised":"externalized","externalises":"externalizes","externalising":"externalizing","factorise":"factorize","factorised":"factorized","factorises":"factorizes","factorising":"factorizing","faecal":"fecal","faeces":"feces","familiarisation":"familiarization","familiarise":"familiarize","familiarised":"familiarized","familiarises":"familiarizes","familiarising":"familiarizing","fantasise":"fantasize","fantasised":"fantasized","fantasises":"fantasizes","fantasising":"fantasizing","favour":"favor","favourable":"favorable","favourably":"favorably","favoured":"favored","favouring":"favoring","favourite":"favorite","favourites":"favorites","favouritism":"favoritism","favours":"favors","featurisation":"featurization","featurise":"featurize","featurised":"featurized","feminise":"feminize","feminised":"feminized","feminises":"feminizes","feminising":"feminizing","fertilisation":"fertilization","fertilise":"fertilize","fertilised":"fertilized","fertiliser":"fertilizer","fertilisers":"fertilizers","fertilises":"fertilizes","fertilising":"fertilizing","fervour":"fervor","fibre":"fiber","fibreglass":"fiberglass","fibres":"fibers","fictionalisation":"fictionalization","fictionalisations":"fictionalizations","fictionalise":"fictionalize","fictionalised":"fictionalized","fictionalises":"fictionalizes","fictionalising":"fictionalizing","fillet":"filet","filleted":"fileted","filleting":"fileting","fillets":"filets","finalisation":"finalization","finalise":"finalize","finalised":"finalized","finalises":"finalizes","finalising":"finalizing","flautist":"flutist","flautists":"flutists","flavour":"flavor","flavoured":"flavored","flavouring":"flavoring","flavourings":"flavorings","flavourless":"flavorless","flavours":"flavors","flavoursome":"flavorsome","foetal":"fetal","foetid":"fetid","foetus":"fetus","foetuses":"fetuses","formalisation":"formalization","formalise":"formalize","formalised":"formalized","formalises":"formalizes","formalising":"formalizing","fossilisation":"fossilization","fossilise":"fossilize","fossilised":"fossilized","fossilises":"fossilizes","fossilising":"fossilizing","fraternisation":"fraternization","fraternise":"fraternize","fraternised":"fraternized","fraternises":"fraternizes","fraternising":"fraternizing","fulfil":"fulfill","fulfilment":"fulfillment","fulfils":"fulfills","funnelled":"funneled","funnelling":"funneling","galvanise":"galvanize","galvanised":"galvanized","galvanises":"galvanizes","galvanising":"galvanizing","gambolled":"gamboled","gambolling":"gamboling","gaolbird":"jailbird","gaolbirds":"jailbirds","gaolbreak":"jailbreak","gaolbreaks":"jailbreaks","gaoled":"jailed","gaoler":"jailer","gaolers":"jailers","gaoling":"jailing","gaols":"jails","gases":"gasses","gauge":"gage","gauged":"gaged","gauges":"gages","gauging":"gaging","generalisation":"generalization","generalisations":"generalizations","generalise":"generalize","generalised":"generalized","generalises":"generalizes","generalising":"generalizing","ghettoise":"ghettoize","ghettoised":"ghettoized","ghettoises":"ghettoizes","ghettoising":"ghettoizing","gimme":"give me","gipsies":"gypsies","glamorise":"glamorize","glamorised":"glamorized","glamorises":"glamorizes","glamorising":"glamorizing","glamour":"glamor","globalisation":"globalization","globalise":"globalize","globalised":"globalized","globalises":"globalizes","globalising":"globalizing","glueing":"gluing","goitre":"goiter","goitres":"goiters","gonna":"going to","gonorrhoea":"gonorrhea","gotta":"have got to","gramme":"gram","grammes":"grams","gravelled":"graveled","grey":"gray","greyed":"grayed","greying":"graying","greyish":"grayish","greyness":"grayness","greys":"grays","grovelled":"groveled","grovelling":"groveling","groyne":"groin","groynes":"groins","gruelling":"grueling","gruellingly":"gruelingly","gryphon":"griffin","gryphons":"griffins","gtg":"got to go","gynaecological":"gynecological","gynaecologist":"gynecologist","gynaecologists":"gynecologists","gynaecology":"gynecology","hadnt":"had not","haematological":"hematological","haematologist":"hematologist","haematologists":"hematologists","haematology":"hematology","haemoglobin":"hemoglobin","haemophilia":"hemophilia","haemophiliac":"hemophiliac","haemophiliacs":"hemophiliacs","haemorrhage":"hemorrhage","haemorrhaged":"hemorrhaged","haemorrhages":"hemorrhages","haemorrhaging":"hemorrhaging","haemorrhoids":"hemorrhoids","harbour":"harbor","harboured":"harbored","harbouring":"harboring","harbours":"harbors","harmonisation":"harmonization","harmonise":"harmonize","harmonised":"harmonized","harmonises":"harmonizes","harmonising":"harmonizing","hasnt":"has not","havent":"have not","homoeopath":"homeopath","homoeopathic":"homeopathic","homoeopaths":"homeopaths","homoeopathy":"homeopathy","homogenise":"homogenize","homogenised":"homogenized","homogenises":"homogenizes","homogenising":"homogenizing","honour":"honor","honourable":"honorable","honourably":"honorably","honoured":"honored","honouring":"honoring","honours":"honors","hospitalisation":"hospitalization","hospitalise":"hospitalize","hospitalised":"hospitalized","hospitalises":"hospitalizes","hospitalising":"hospitalizing","howd":"how did","humanise":"humanize","humanised":"humanized","humanises":"humanizes","humanising":"humanizing","humour":"humor","humoured":"humored","humouring":"humoring","humourless":"humorless","humours":"humors","hybridise":"hybridize","hybridised":"hybridized","hybridises":"hybridizes","hybridising":"hybridizing","hypnotise":"hypnotize","hypnotised":"hypnotized","hypnotises":"hypnotizes","hypnotising":"hypnotizing","hypothesise":"hypothesize","hypothesised":"hypothesized","hypothesises":"hypothesizes","hypothesising":"hypothesizing","idealisation":"idealization","idealise":"idealize","idealised":"idealized","idealises":"idealizes","idealising":"idealizing","idolise":"idolize","idolised":"idolized","idolises":"idolizes","idolising":"idolizing","im":"i am","imma":"i will","immobilisation":"immobilization","immobilise":"immobilize","immobilised":"immobilized","immobiliser":"immobilizer","immobilisers":"immobilizers","immobilises":"immobilizes","immobilising":"immobilizing","immortalise":"immortalize","immortalised":"immortalized","immortalises":"immortalizes","immortalising":"immortalizing","immunisation":"immunization","immunise":"immunize","immunised":"immunized","immunises":"immunizes","immunising":"immunizing","imo":"in my opinion","impanelled":"impaneled","impanelling":"impaneling","imperilled":"imperiled","imperilling":"imperiling","individualise":"individualize","individualised":"individualized","individualises":"individualizes","individualising":"individualizing","industrialise":"industrialize","industrialised":"industrialized","industrialises":"industrializes","industrialising":"industrializing","inflexion":"inflection","inflexions":"inflections","initialisation":"initialization","initialisations":"initializations","initialise":"initialize","initialised":"initialized","initialises":"initializes","initialising":"initializing","initialled":"initialed","initialling":"initialing","instal":"install","instalment":"installment","instalments":"installments","instals":"installs","instil":"instill","instils":"instills","institutionalisation":"institutionalization","institutionalise":"institutionalize","institutionalised":"institutionalized","institutionalises":"institutionalizes","institutionalising":"institutionalizing","intellectualise":"intellectualize","intellectualised":"intellectualized","intellectualises":"intellectualizes","intellectualising":"intellectualizing","internalisation":"internalization","internalise":"internalize","internalised":"internalized","internalises":"internalizes","internalising":"internalizing","internationalisation":"internationalization","internationalise":"internationalize","internationalised":"internationalized","internationalises":"internationalizes","internationalising":"internationalizing","ionisation":"ionization","ionise":"ionize","ionised":"ionized","ioniser":"ionizer","ionisers":"ionizers","ionises":"ionizes","ionising":"ionizing","irl":"in real life","isnt":"is not","italicise":"italicize","italicised":"italicized","italicises":"italicizes","italicising":"italicizing","itemise":"itemize","itemised":"itemized","itemises":"itemizes","itemising":"itemizing","ive":"i have","jeopardise":"jeopardize","jeopardised":"jeopardized","jeopardises":"jeopardizes","jeopardising":"jeopardizing","jewelled":"jeweled","jeweller":"jeweler","jewellers":"jewelers","jewellery":"jewelry","judgement":"judgment","kilogramme":"kilogram","kilogrammes":"kilograms","kilometre":"kilometer","kilometres":"kilometers","labelled":"labeled","labelling":"labeling","labour":"labor","laboured":"labored","labourer":"laborer","labourers":"laborers","labouring":"laboring","labours":"labors","lacklustre":"lackluster","legalisation":"legalization","legalise":"legalize","legalised":"legalized","legalises":"legalizes","legalising":"legalizing","legitimise":"legitimize","legitimised":"legitimized","legitimises":"legitimizes","legitimising":"legitimizing","let''s":"let us","leukaemia":"leukemia","levelled":"leveled","leveller":"leveler","levellers":"levelers","levelling":"leveling","libelled":"libeled","libelling":"libeling","libellous":"libelous","liberalisation":"liberalization","liberalise":"liberalize","liberalised":"liberalized","liberalises":"liberalizes","liberalising":"liberalizing","licence":"license","licenced":"licensed","licences":"licenses","licencing":"licensing","likeable":"likable","lionisation":"lionization","lionise":"lionize","lionised":"lionized","lionises":"lionizes","lionising":"lionizing","liquidise":"liquidize","liquidised":"liquidized","liquidiser":"liquidizer","liquidisers":"liquidizers","liquidises":"liquidizes","liquidising":"liquidizing","litre":"liter","litres":"liters","localise":"localize","localised":"localized","localises":"localizes","localising":"localizing","louvre":"louver","louvred":"louvered","louvres":"louvers","lustre":"luster","magnetise":"magnetize","magnetised":"magnetized","magnetises":"magnetizes","magnetising":"magnetizing","manoeuvrability":"maneuverability","manoeuvrable":"maneuverable","manoeuvre":"maneuver","manoeuvred":"maneuvered","manoeuvres":"maneuvers","manoeuvring":"maneuvering","manoeuvrings":"maneuverings","marginalisation":"marginalization","marginalise":"marginalize","marginalised":"marginalized","marginalises":"marginalizes","marginalising":"marginalizing","marshalled":"marshaled","marshalling":"marshaling","marvelled":"marveled","marvelling":"marveling","marvellous":"marvelous","marvellously":"marvelously","materialisation":"materialization","materialise":"materialize","materialised":"materialized","materialises":"materializes","materialising":"materializing","maximisation":"maximization","maximise":"maximize","maximised":"maximized","maximises":"maximizes","maximising":"maximizing","meagre":"meager","mechanisation":"mechanization","mechanise":"mechanize","mechanised":"mechanized","mechanises":"mechanizes","mechanising":"mechanizing","mediaeval":"medieval","memorialise":"memorialize","memorialised":"memorialized","memorialises":"memorializes","memorialising":"memorializing","memorise":"memorize","memorised":"memorized","memorises":"memorizes","memorising":"memorizing","mesmerise":"mesmerize","mesmerised":"mesmerized","mesmerises":"mesmerizes","mesmerising":"mesmerizing","metabolise":"metabolize","metabolised":"metabolized","metabolises":"metabolizes","metabolising":"metabolizing","metre":"meter","metres":"meters","micrometre":"micrometer","micrometres":"micrometers","mightnt":"might not","militarise":"militarize","militarised":"militarized","militarises":"militarizes","militarising":"militarizing","milligramme":"milligram","milligrammes":"milligrams","millilitre":"milliliter","millilitres":"milliliters","millimetre":"millimeter","millimetres":"millimeters","miniaturisation":"miniaturization","miniaturise":"miniaturize","miniaturised":"miniaturized","miniaturises":"miniaturizes","miniaturising":"miniaturizing","minibuses":"minibusses","minimise":"minimize","minimised":"minimized","minimises":"minimizes","minimising":"minimizing","misbehaviour":"misbehavior","misdemeanour":"misdemeanor","misdemeanours":"misdemeanors","misspelt":"misspelled","mitre":"miter","mitres":"miters","mobilisation":"mobilization","mobilise":"mobilize","mobilised":"mobilized","mobilises":"mobilizes","mobilising":"mobilizing","modelled":"modeled","modeller":"modeler","modellers":"modelers","modelling":"modeling","modernise":"modernize","modernised":"modernized","modernises":"modernizes","modernising":"modernizing","moisturise":"moisturize","moisturised":"moisturized","moisturiser":"moisturizer","moisturisers":"moisturizers","moisturises":"moisturizes","moisturising":"moisturizing","monologue":"monolog","monologues":"monologs","monopolisation":"monopolization","monopolise":"monopolize","monopolised":"monopolized","monopolises":"monopolizes","monopolising":"monopolizing","moralise":"moralize","moralised":"moralized","moralises":"moralizes","moralising":"moralizing","motorised":"motorized","mould":"mold","moulded":"molded","moulder":"molder","mouldered":"moldered","mouldering":"moldering","moulders":"molders","mouldier":"moldier","mouldiest":"moldiest","moulding":"molding","mouldings":"moldings","moulds":"molds","mouldy":"moldy","moult":"molt","moulted":"molted","moulting":"molting","moults":"molts","moustache":"mustache","moustached":"mustached","moustaches":"mustaches","moustachioed":"mustachioed","multicoloured":"multicolored","musta":"must have","mustnt":"must not","nationalisation":"nationalization","nationalisations":"nationalizations","nationalise":"nationalize","nationalised":"nationalized","nationalises":"nationalizes","nationalising":"nationalizing","naturalisation":"naturalization","naturalise":"naturalize","naturalised":"naturalized","naturalises":"naturalizes","naturalising":"naturalizing","ne''er":"never","neednt":"need not","neighbour":"neighbor","neighbourhood":"neighborhood","neighbourhoods":"neighborhoods","neighbouring":"neighboring","neighbourliness":"neighborliness","neighbourly":"neighborly","neighbours":"neighbors","neutralisation":"neutralization","neutralise":"neutralize","neutralised":"neutralized","neutralises":"neutralizes","neutralising":"neutralizing","normalisation":"normalization","normalise":"normalize","normalised":"normalized","normalises":"normalizes","normalising":"normalizing","o''er":"over","odour":"odor","odourless":"odorless","odours":"odors","oesophagus":"esophagus","oesophaguses":"esophaguses","oestrogen":"estrogen","offence":"offense","offences":"offenses","omelette":"omelet","omelettes":"omelets","optimisation":"optimization","optimisations":"optimizations","optimise":"optimize","optimised":"optimized","optimises":"optimizes","optimising":"optimizing","organisation":"organization","organisational":"organizational","organisations":"organizations","organise":"organize","organised":"organized","organiser":"organizer","organisers":"organizers","organises":"organizes","organising":"organizing","orthopaedic":"orthopedic","orthopaedics":"orthopedics","ostracise":"ostracize","ostracised":"ostracized","ostracises":"ostracizes","ostracising":"ostracizing","outmanoeuvre":"outmaneuver","outmanoeuvred":"outmaneuvered","outmanoeuvres":"outmaneuvers","outmanoeuvring":"outmaneuvering","outta":"out of","overemphasise":"overemphasize","overemphasised":"overemphasized","overemphasises":"overemphasizes","overemphasising":"overemphasizing","oxidisation":"oxidization","oxidise":"oxidize","oxidised":"oxidized","oxidises":"oxidizes","oxidising":"oxidizing","paederast":"pederast","paederasts":"pederasts","paediatric":"pediatric","paediatrician":"pediatrician","paediatricians":"pediatricians","paediatrics":"pediatrics","paedophile":"pedophile","paedophiles":"pedophiles","paedophilia":"pedophilia","palaeolithic":"paleolithic","palaeontologist":"paleontologist","palaeontologists":"paleontologists","palaeontology":"paleontology","panelled":"paneled","panelling":"paneling","panellist":"panelist","panellists":"panelists","paralyse":"paralyze","paralysed":"paralyzed","paralyses":"paralyzes","paralysing":"paralyzing","parametrisation":"parametrization","parametrisations":"parametrizations","parametrise":"parametrize","parcelled":"parceled","parcelling":"parceling","parlour":"parlor","parlours":"parlors","particularise":"particularize","particularised":"particularized","particularises":"particularizes","particularising":"particularizing","passivisation":"passivization","passivise":"passivize","passivised":"passivized","passivises":"passivizes","passivising":"passivizing","pasteurisation":"pasteurization","pasteurise":"pasteurize","pasteurised":"pasteurized","pasteurises":"pasteurizes","pasteurising":"pasteurizing","patronise":"patronize","patronised":"patronized","patronises":"patronizes","patronising":"patronizing","patronisingly":"patronizingly","pedalled":"pedaled","pedalling":"pedaling","pedestrianisation":"pedestrianization","pedestrianise":"pedestrianize","pedestrianised":"pedestrianized","pedestrianises":"pedestrianizes","pedestrianising":"pedestrianizing","penalise":"penalize","penalised":"penalized","penalises":"penalizes","penalising":"penalizing","pencilled":"penciled","pencilling":"penciling","personalise":"personalize","personalised":"personalized","personalises":"personalizes","personalising":"personalizing","pharmacopoeia":"pharmacopeia","pharmacopoeias":"pharmacopeias","philosophise":"philosophize","philosophised":"philosophized","philosophises":"philosophizes","philosophising":"philosophizing","philtre":"filter","philtres":"filters","phoney":"phony","plagiarise":"plagiarize","plagiarised":"plagiarized","plagiarises":"plagiarizes","plagiarising":"plagiarizing","plough":"plow","ploughed":"plowed","ploughing":"plowing","ploughman":"plowman","ploughmen":"plowmen","ploughs":"plows","ploughshare":"plowshare","ploughshares":"plowshares","polarisation":"polarization","polarise":"polarize","polarised":"polarized","polarises":"polarizes","polarising":"polarizing","politicisation":"politicization","politicise":"politicize","politicised":"politicized","politicises":"politicizes","politicising":"politicizing","popularisation":"popularization","popularise":"popularize","popularised":"popularized","popularises":"popularizes","popularising":"popularizing","pouffe":"pouf","pouffes":"poufs","practise":"practice","practised":"practiced","practises":"practices","practising":"practicing","praesidium":"presidium","praesidiums":"presidiums","pressurisation":"pressurization","pressurise":"pressurize","pressurised":"pressurized","pressurises":"pressurizes","pressurising":"pressurizing","pretence":"pretense","pretences":"pretenses","primaeval":"primeval","prioritisation":"prioritization","prioritise":"prioritize","prioritised":"prioritized","prioritises":"prioritizes","prioritising":"prioritizing","privatisation":"privatization","privatisations":"privatizations","privatise":"privatize","privatised":"privatized","privatises":"privatizes","privatising":"privatizing","professionalisation":"professionalization","professionalise":"professionalize","professionalised":"professionalized","professionalises":"professionalizes","professionalising":"professionalizing","programme":"program","programmes":"programs","prologue":"prolog","prologues":"prologs","propagandise":"propagandize","propagandised":"propagandized","propagandises":"propagandizes","propagandising":"propagandizing","proselytise":"proselytize","proselytised":"proselytized","proselytiser":"proselytizer","proselytisers":"proselytizers","proselytises":"proselytizes","proselytising":"proselytizing","psychoanalyse":"psychoanalyze","psychoanalysed":"psychoanalyzed","psychoanalyses":"psychoanalyzes","psychoanalysing":"psychoanalyzing","publicise":"publicize","publicised":"publicized","publicises":"publicizes","publicising":"publicizing","pulverisation":"pulverization","pulverise":"pulverize","pulverised":"pulverized","pulverises":"pulverizes","pulverising":"pulverizing","pummelled":"pummel","pummelling":"pummeled","pyjama":"pajama","pyjamas":"pajamas","pzazz":"pizzazz","quarrelled":"quarreled","quarrelling":"quarreling","radicalise":"radicalize","radicalised":"radicalized","radicalises":"radicalizes","radicalising":"radicalizing","rancour":"rancor","randomise":"randomize","randomised":"randomized","randomises":"randomizes","randomising":"randomizing","rationalisation":"rationalization","rationalisations":"rationalizations","rationalise":"rationalize","rationalised":"rationalized","rationalises":"rationalizes","rationalising":"rationalizing","ravelled":"raveled","ravelling":"raveling","realisable":"realizable","realisation":"realization","realisations":"realizations","realise":"realize","realised":"realized","realises":"realizes","realising":"realizing","recognisable":"recognizable","recognisably":"recognizably","recognisance":"recognizance","recognise":"recognize","recognised":"recognized","recognises":"recognizes","recognising":"recognizing","reconnoitre":"reconnoiter","reconnoitred":"reconnoitered","reconnoitres":"reconnoiters","reconnoitring":"reconnoitering","refuelled":"refueled","refuelling":"refueling","regularisation":"regularization","regularise":"regularize","regularised":"regularized","regularises":"regularizes","regularising":"regularizing","remodelled":"remodeled","remodelling":"remodeling","remould":"remold","remoulded":"remolded","remoulding":"remolding","remoulds":"remolds","reorganisation":"reorganization","reorganisations":"reorganizations","reorganise":"reorganize","reorganised":"reorganized","reorganises":"reorganizes","reorganising":"reorganizing","revelled":"reveled","reveller":"reveler","revellers":"revelers","revelling":"reveling","revitalise":"revitalize","revitalised":"revitalized","revitalises":"revitalizes","revitalising":"revitalizing","revolutionise":"revolutionize","revolutionised":"revolutionized","revolutionises":"revolutionizes","revolutionising":"revolutionizing","rhapsodise":"rhapsodize","rhapsodised":"rhapsodized","rhapsodises":"rhapsodizes","rhapsodising":"rhapsodizing","rigour":"rigor","rigours":"rigors","ritualised":"ritualized","rivalled":"rivaled","rivalling":"rivaling","rn":"right now","romanticise":"romanticize","romanticised":"romanticized","romanticises":"romanticizes","romanticising":"romanticizing","rumour":"rumor","rumoured":"rumored","rumours":"rumors","sabre":"saber","sabres":"sabers","saltpetre":"saltpeter","sanitise":"sanitize","sanitised":"sanitized","sanitises":"sanitizes","sanitising":"sanitizing","satirise":"satirize","satirised":"satirized","satirises":"satirizes","satirising":"satirizing","saviour":"savior","saviours":"saviors","savour":"savor","savoured":"savored","savouries":"savories","savouring":"savoring","savours":"savors","savoury":"savory","scandalise":"scandalize","scandalised":"scandalized","scandalises":"scandalizes","scandalising":"scandalizing","sceptic":"skeptic","sceptical":"skeptical","sceptically":"skeptically","scepticism":"skepticism","sceptics":"skeptics","sceptre":"scepter","sceptres":"scepters","scrutinise":"scrutinize","scrutinised":"scrutinized","scrutinises":"scrutinizes","scrutinising":"scrutinizing","secularisation":"secularization","secularise":"secularize","secularised":"secularized","secularises":"secularizes","secularising":"secularizing","sensationalise":"sensationalize","sensationalised":"sensationalized","sensationalises":"sensationalizes","sensationalising":"sensationalizing","sensitise":"sensitize","sensitised":"sensitized","sensitises":"sensitizes","sensitising":"sensitizing","sentimentalise":"sentimentalize","sentimentalised":"sentimentalized","sentimentalises":"sentimentalizes","sentimentalising":"sentimentalizing","sepulchre":"sepulcher","sepulchres":"sepulchers","serialisation":"serialization","serialisations":"serializations","serialise":"serialize","serialised":"serialized","serialises":"serializes","serialising":"serializing","sermonise":"sermonize","sermonised":"sermonized","sermonises":"sermonizes","sermonising":"sermonizing","shan''t":"shall not","sheikh":"sheik","shoulda":"should have","shouldnt":"should not","shovelled":"shoveled","shovelling":"shoveling","shrivelled":"shriveled","shrivelling":"shriveling","signalise":"signalize","signalised":"signalized","signalises":"signalizes","signalising":"signalizing","signalled":"signaled","signalling":"signaling","smoulder":"smolder","smouldered":"smoldered","smouldering":"smoldering","smoulders":"smolders","snivelled":"sniveled","snivelling":"sniveling","snorkelled":"snorkeled","snorkelling":"snorkeling","snowplough":"snowplow","snowploughs":"snowplow","socialisation":"socialization","socialise":"socialize","socialised":"socialized","socialises":"socializes","socialising":"socializing","sodomise":"sodomize","sodomised":"sodomized","sodomises":"sodomizes","sodomising":"sodomizing","solemnise":"solemnize","solemnised":"solemnized","solemnises":"solemnizes","solemnising":"solemnizing","sombre":"somber","specialisation":"specialization","specialisations":"specializations","specialise":"specialize","specialised":"specialized","specialises":"specializes","specialising":"specializing","spectre":"specter","spectres":"specters","spiralled":"spiraled","spiralling":"spiraling","splendour":"splendor","splendours":"splendors","squirrelled":"squirreled","squirrelling":"squirreling","stabilisation":"stabilization","stabilise":"stabilize","stabilised":"stabilized","stabiliser":"stabilizer","stabilisers":"stabilizers","stabilises":"stabilizes","stabilising":"stabilizing","standardisation":"standardization","standardise":"standardize","standardised":"standardized","standardises":"standardizes","standardising":"standardizing","stencilled":"stenciled","stencilling":"stenciling","sterilisation":"sterilization","sterilisations":"sterilizations","sterilise":"sterilize","sterilised":"sterilized","steriliser":"sterilizer","sterilisers":"sterilizers","sterilises":"sterilizes","sterilising":"sterilizing","stigmatisation":"stigmatization","stigmatise":"stigmatize","stigmatised":"stigmatized","stigmatises":"stigmatizes","stigmatising":"stigmatizing","subsidisation":"subsidization","subsidise":"subsidize","subsidised":"subsidized","subsidiser":"subsidizer","subsidisers":"subsidizers","subsidises":"subsidizes","subsidising":"subsidizing","succour":"succor","succoured":"succored","succouring":"succoring","succours":"succors","sulphate":"sulfate","sulphates":"sulfates","sulphide":"sulfide","sulphides":"sulfides","sulphur":"sulfur","sulphurous":"sulfurous","summarise":"summarize","summarised":"summarized","summarises":"summarizes","summarising":"summarizing","swivelled":"swiveled","swivelling":"swiveling","symbolise":"symbolize","symbolised":"symbolized","symbolises":"symbolizes","symbolising":"symbolizing","sympathise":"sympathize","sympathised":"sympathized","sympathiser":"sympathizer","sympathisers":"sympathizers","sympathises":"sympathizes","sympathising":"sympathizing","synchronisation":"synchronization","synchronise":"synchronize","synchronised":"synchronized","synchronises":"synchronizes","synchronising":"synchronizing","synthesise":"synthesize","synthesised":"synthesized","synthesiser":"synthesizer","synthesisers":"synthesizers","synthesises":"synthesizes","synthesising":"synthesizing","syphon":"siphon","syphoned":"siphoned","syphoning":"siphoning","syphons":"siphons","systematisation":"systematization","systematise":"systematize","systematised":"systematized","systematises":"systematizes","systematising":"systematizing","tantalise":"tantalize","tantalised":"tantalized","tantalises":"tantalizes","tantalising":"tantalizing","tantalisingly":"tantalizingly","tasselled":"tasseled","tbh":"to be honest","technicolour":"technicolor","temporise":"temporize","temporised":"temporized","temporises":"temporizes","temporising":"temporizing","tenderise":"tenderize","tenderised":"tenderized","tenderises":"tenderizes","tenderising":"tenderizing","terrorise":"terrorize","terrorised":"terrorized","terrorises":"terrorizes","terrorising":"terrorizing","that''s":"that is","theatre":"theater","theatregoer":"theatergoer","theatregoers":"theatergoers","theatres":"theaters","theorise":"theorize","theorised":"theorized","theorises":"theorizes","theorising":"theorizing","tis":"it is","tonne":"ton","tonnes":"tons","towelled":"toweled","towelling":"toweling","toxaemia":"toxemia","tranquillise":"tranquilize","tranquillised":"tranquilized","tranquilliser":"tranquilizer","tranquillisers":"tranquilizers","tranquillises":"tranquilizes","tranquillising":"tranquilizing","tranquillity":"tranquility","tranquillize":"tranquilize","tranquillized":"tranquilized","tranquillizer":"tranquilizer","tranquillizers":"tranquilizers","tranquillizes":"tranquilizes","tranquillizing":"tranquilizing","tranquilly":"tranquility","transistorised":"transistorized","traumatise":"traumatize","traumatised":"traumatized","traumatises":"traumatizes","traumatising":"traumatizing","travelled":"traveled","traveller":"traveler","travellers":"travelers","travelling":"traveling","travelogue":"travelog","travelogues":"travelogs","trialled":"trialed","trialling":"trialing","tricolour":"tricolor","tricolours":"tricolors","trivialise":"trivialize","trivialised":"trivialized","trivialises":"trivializes","trivialising":"trivializing","tryna":"trying to","tumour":"tumor","tumours":"tumors","tunnelled":"tunneled","tunnelling":"tunneling","twas":"it was","tyrannise":"tyrannize","tyrannised":"tyrannized","tyrannises":"tyrannizes","tyrannising":"tyrannizing","tyre":"tire","tyres":"tires","unauthorised":"unauthorized","uncivilised":"uncivilized","underutilised":"underutilized","unequalled":"unequaled","unfavourable":"unfavorable","unfavourably":"unfavorably","unionisation":"unionization","unionise":"unionize","unionised":"unionized","unionises":"unionizes","unionising":"unionizing","unorganised":"unorganized","unravelled":"unraveled","unravelling":"unraveling","unrecognisable":"unrecognizable","unrecognised":"unrecognized","unrivalled":"unrivaled","unsavoury":"unsavory","untrammelled":"untrammeled","urbanisation":"urbanization","urbanise":"urbanize","urbanised":"urbanized","urbanises":"urbanizes","urbanising":"urbanizing","utilisable":"utilizable","utilisation":"utilization","utilise":"utilize","utilised":"utilized","utilises":"utilizes","utilising":"utilizing","valour":"valor","vandalise":"vandalize","vandalised":"vandalized","vandalises":"vandalizes","vandalising":"vandalizing","vaporisation":"vaporization","vaporise":"vaporize","vaporised":"vaporized","vaporises":"vaporizes","vaporising":"vaporizing","vapour":"vapor","vapours":"vapors","verbalise":"verbalize","verbalised":"verbalized","verbalises":"verbalizes","verbalising":"verbalizing","victimisation":"victimization","victimise":"victimize","victimised":"victimized","victimises":"victimizes","victimising":"victimizing","videodisc":"videodisk","videodiscs":"videodisks","vigour":"vigor","visualisation":"visualization","visualisations":"visualizations","visualise":"visualize","visualised":"visualized","visualises":"visualizes","visualising":"visualizing","vocalisation":"vocalization","vocalisations":"vocalizations","vocalise":"vocalize","vocalised":"vocalized","vocalises":"vocalizes","vocalising":"vocalizing","vulcanised":"vulcanized","vulgarisation":"vulgarization","vulgarise":"vulgarize","vulgarised":"vulgarized","vulgarises":"vulgarizes","vulgarising":"vulgarizing","waggon":"wagon","waggons":"wagons","wanna":"want to","wasnt":"was not","watercolour":"watercolor","watercolours":"watercolors","weaselled":"weaseled","weaselling":"weaseling","werent":"were not","westernisation":"westernization","westernise":"westernize","westernised":"westernized","westernises":"westernizes","westernising":"westernizing","what''s":"what is","whatd":"what did","whend":"when did","whered":"where did","womanise":"womanize","womanised":"womanized","womaniser":"womanizer","womanisers":"womanizers","womanises":"womanizes","womanising":"womanizing","won''t":"will not","wont":"will not","woollen":"woolen","woollens":"woolens","woollies":"woolies","woolly":"wooly","worshipped":"worshiped","worshipper":"worshiper","worshipping":"worshiping","woulda":"would have","wouldnt":"would not","y''know":"you know","yodelled":"yodeled","yodelling":"yodeling","yoghourt":"yogurt","yoghourts":"yogurts","yoghurt":"yogurt","yoghurts":"yogurts"}'::jsonb $$;
REVOKE ALL ON FUNCTION private.word_forms() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.word_forms() IS 'What a written form stands for, as private.fact_tokens reads a fact: a British spelling its American one, a contraction its words (''can''''t'' -> ''can not'', ''''''ll'' -> ''will''). Generated from american-british-english-translator and compromise.';

GRANT ALL ON FUNCTION private.word_forms() TO authenticated;
GRANT ALL ON FUNCTION private.word_forms() TO service_role;

CREATE FUNCTION private.verb_forms() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select '{"arise":"arise present","arisen":"arise participle","arises":"arise present","arose":"arise past","ate":"eat past","babysat":"babysit past","babysit":"babysit present","babysits":"babysit present","be":"be present","bear":"bear present","bears":"bear present","became":"become past","become":"become present","becomes":"become present","been":"be participle","began":"begin past","begin":"begin present","begins":"begin present","begun":"begin participle","beheld":"behold past","behold":"behold present","beholds":"behold present","blew":"blow past","blow":"blow present","blown":"blow participle","blows":"blow present","bookkeep":"bookkeep present","bookkeeps":"bookkeep present","bookkept":"bookkeep past","bore":"bear past","bought":"buy past","break":"break present","breaks":"break present","breathtake":"breathtake present","breathtakes":"breathtake present","breathtook":"breathtake past","bring":"bring present","brings":"bring present","broke":"break past","broken":"break participle","brought":"bring past","budget":"budget present","budgets":"budget present","budgot":"budget past","buy":"buy present","buys":"buy present","came":"come past","catch":"catch present","catches":"catch present","caught":"catch past","choose":"choose present","chooses":"choose present","chose":"choose past","chosen":"choose participle","come":"come present","comes":"come present","creep":"creep present","creeps":"creep present","crept":"creep past","deal":"deal present","deals":"deal present","dealt":"deal past","demean":"demean present","demeans":"demean present","demeant":"demean past","did":"do past","dig":"dig present","digs":"dig present","do":"do present","does":"do present","done":"do participle","drank":"drink past","drink":"drink present","drinks":"drink present","drive":"drive present","driven":"drive participle","drives":"drive present","drove":"drive past","drunk":"drink participle","dug":"dig past","eat":"eat present","eaten":"eat participle","eats":"eat present","eyeball":"eyeball present","eyeballs":"eyeball present","eyebell":"eyeball past","fall":"fall present","fallen":"fall participle","falls":"fall present","feel":"feel present","feels":"feel present","fell":"fall past","felt":"feel past","fight":"fight present","fights":"fight present","find":"find present","finds":"find present","flew":"fly past","flies":"fly present","fling":"fling present","flings":"fling present","flown":"fly participle","flung":"fling past","fly":"fly present","forbade":"forbid past","forbid":"forbid present","forbidden":"forbid participle","forbids":"forbid present","forego":"forego present","foregoes":"forego present","foresaw":"foresee past","foresee":"foresee present","foresees":"foresee present","forewent":"forego past","forgave":"forgive past","forget":"forget present","forgets":"forget present","forgive":"forgive present","forgiven":"forgive participle","forgives":"forgive present","forgot":"forget past","forgotten":"forget participle","forsake":"forsake present","forsaken":"forsake participle","forsakes":"forsake present","forsook":"forsake past","forthcame":"forthcome past","forthcome":"forthcome present","forthcomes":"forthcome present","fought":"fight past","found":"find past","freeze":"freeze present","freezes":"freeze present","froze":"freeze past","frozen":"freeze participle","gave":"give past","get":"get present","gets":"get present","give":"give present","given":"give participle","gives":"give present","go":"go present","goes":"go present","gone":"go participle","got":"get past","gotten":"get participle","grew":"grow past","groundbreak":"groundbreak present","groundbreaks":"groundbreak present","groundbroke":"groundbreak past","grow":"grow present","grown":"grow participle","grows":"grow present","had":"have past","hang":"hang present","hangs":"hang present","has":"have present","have":"have present","hear":"hear present","heard":"hear past","hears":"hear present","held":"hold past","hid":"hide past","hidden":"hide participle","hide":"hide present","hides":"hide present","hold":"hold present","holds":"hold present","hung":"hang past","is":"be present","keel":"keel present","keels":"keel present","keep":"keep present","keeps":"keep present","kelt":"keel past","kept":"keep past","kneel":"kneel present","kneels":"kneel present","knelt":"kneel past","knew":"know past","know":"know present","known":"know participle","knows":"know present","laid":"lay past","lay":"lay present","leap":"leap present","leaps":"leap present","leapt":"leap past","lend":"lend present","lends":"lend present","lent":"lend past","light":"light present","lit":"light past","made":"make past","make":"make present","makes":"make present","mean":"mean present","meant":"mean past","meet":"meet present","meets":"meet present","met":"meet past","mistake":"mistake present","mistakes":"mistake present","mistook":"mistake past","outgo":"outgo present","outgoes":"outgo present","outgrew":"outgrow past","outgrow":"outgrow present","outgrown":"outgrow participle","outgrows":"outgrow present","outstand":"outstand present","outstands":"outstand present","outstood":"outstand past","outwent":"outgo past","overcame":"overcome past","overcome":"overcome present","overcomes":"overcome present","override":"override present","overrides":"override present","overrode":"override past","oversaw":"oversee past","oversee":"oversee present","overseen":"oversee participle","oversees":"oversee present","paid":"pay past","pay":"pay present","pays":"pay present","peacekeep":"peacekeep present","peacekeeps":"peacekeep present","peacekept":"peacekeep past","pen":"pen present","pens":"pen present","pent":"pen past","ran":"run past","rang":"ring past","redid":"redo past","redo":"redo present","redoes":"redo present","remade":"remake past","remake":"remake present","remakes":"remake present","ridden":"ride participle","ride":"ride present","rides":"ride present","ring":"ring present","rings":"ring present","rode":"ride past","run":"run present","rung":"ring participle","runs":"run present","said":"say past","sang":"sing past","sank":"sink past","sat":"sit past","saw":"see past","say":"say present","says":"say present","see":"see present","seen":"see participle","sees":"see present","sell":"sell present","sells":"sell present","send":"send present","sends":"send present","sent":"send past","shake":"shake present","shaken":"shake participle","shakes":"shake present","sheild":"sheild present","sheilds":"sheild present","sheilt":"sheild past","shook":"shake past","shoot":"shoot present","shot":"shoot past","shrank":"shrink past","shrink":"shrink present","shrinks":"shrink present","shrunk":"shrink participle","sing":"sing present","sings":"sing present","sink":"sink present","sinks":"sink present","sit":"sit present","sits":"sit present","sleep":"sleep present","sleeps":"sleep present","slept":"sleep past","slid":"slide past","slide":"slide present","slides":"slide present","sneak":"sneak present","sneaks":"sneak present","sneeze":"sneeze present","sneezes":"sneeze present","snew":"snow past","snow":"snow present","snows":"snow present","snoze":"sneeze past","snuck":"sneak past","sold":"sell past","spat":"spit past","speak":"speak present","speaks":"speak present","spellbind":"spellbind present","spellbinds":"spellbind present","spellbound":"spellbind past","spend":"spend present","spends":"spend present","spent":"spend past","spin":"spin present","spins":"spin present","spit":"spit present","spits":"spit present","spoke":"speak past","spoken":"speak participle","sprang":"spring past","spring":"spring present","springs":"spring present","spun":"spin past","stand":"stand present","stands":"stand present","steal":"steal present","steals":"steal present","stick":"stick present","sticks":"stick present","sting":"sting present","stings":"sting present","stink":"stink present","stinks":"stink present","stocking":"stocking present","stockings":"stocking present","stockung":"stocking past","stole":"steal past","stolen":"steal participle","stood":"stand past","storytell":"storytell present","storytells":"storytell present","storytold":"storytell past","strike":"strike present","strikes":"strike present","string":"string present","strings":"string present","strive":"strive present","strives":"strive present","strought":"string past","strove":"strive past","struck":"strike past","stuck":"stick past","stung":"sting past","stunk":"stink past","summarise":"summarise present","summarises":"summarise present","summarose":"summarise past","sung":"sing participle","sunk":"sink participle","swam":"swim past","swear":"swear present","swears":"swear present","sweep":"sweep present","sweeps":"sweep present","swept":"sweep past","swim":"swim present","swims":"swim present","swing":"swing present","swings":"swing present","swore":"swear past","sworn":"swear participle","swum":"swim participle","swung":"swing past","take":"take present","taken":"take participle","takes":"take present","taught":"teach past","teach":"teach present","teaches":"teach present","tear":"tear present","tears":"tear present","tell":"tell present","tells":"tell present","think":"think present","thinks":"think present","thought":"think past","threw":"throw past","throw":"throw present","thrown":"throw participle","throws":"throw present","tick":"tick present","ticks":"tick present","told":"tell past","took":"take past","tore":"tear past","torn":"tear participle","tuck":"tick past","undergo":"undergo present","undergoes":"undergo present","undergone":"undergo participle","undertake":"undertake present","undertakes":"undertake present","undertook":"undertake past","underwent":"undergo past","undid":"undo past","undo":"undo present","undoes":"undo present","undone":"undo participle","upheld":"uphold past","uphold":"uphold present","upholds":"uphold present","was":"be past","wear":"wear present","wears":"wear present","weave":"weave present","weaves":"weave present","weep":"weep present","weeps":"weep present","went":"go past","wept":"weep past","were":"be past","wheel":"wheel present","wheels":"wheel present","whelt":"wheel past","win":"win present","wins":"win present","withdraw":"withdraw present","withdrawn":"withdraw participle","withdraws":"withdraw present","withdrew":"withdraw past","won":"win past","wore":"wear past","worn":"wear participle","wove":"weave past","woven":"weave participle","write":"write present","writes":"write present","written":"write participle","wrote":"write past"}'::jsonb $$;
REVOKE ALL ON FUNCTION private.verb_forms() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.verb_forms() IS 'Irregular verb forms: form -> ''base tense'' (''went'' -> ''go past'', ''goes'' -> ''go present''), so the value guard can tell a past statement from a present one where no -ed says it. Generated from compromise.';

GRANT ALL ON FUNCTION private.verb_forms() TO authenticated;
GRANT ALL ON FUNCTION private.verb_forms() TO service_role;

CREATE FUNCTION private.filler_words() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select array[
    -- articles: "the user" and "user" say the same
    'a', 'an', 'the',
    -- emphasis and hedges that add no fact
    'really', 'actually', 'honestly', 'basically', 'definitely', 'just', 'truly', 'certainly', 'literally', 'simply',
    'indeed', 'totally', 'absolutely', 'quite', 'very', 'so', 'also', 'too', 'surely', 'seriously', 'genuinely',
    'kinda', 'sorta', 'um', 'uh', 'oh', 'hey', 'well', 'yeah', 'ok', 'okay', 'fyi', 'btw', 'anyway', 'anyways',
    -- reporting: who said it is not part of the fact
    'apparently', 'mentioned', 'mentions', 'said', 'says', 'told', 'tells', 'stated', 'states', 'noted', 'notes',
    'claims', 'claimed', 'reports', 'reported', 'shared',
    -- "now" and "currently" restate the present tense every statement has
    'now', 'currently', 'nowadays', 'presently', 'lately']
$$;
REVOKE ALL ON FUNCTION private.filler_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.filler_words() IS 'Words a statement can carry without changing its fact (articles, emphasis, reporting verbs, "now"): private.fact_tokens leaves them out, so "Honestly, the user really enjoys jazz" and "User enjoys jazz" are one fact.';

GRANT ALL ON FUNCTION private.filler_words() TO authenticated;
GRANT ALL ON FUNCTION private.filler_words() TO service_role;

CREATE FUNCTION private.fact_tokens(fact text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_forms jsonb := private.word_forms();
  v_values jsonb := private.value_words();
  v_filler text[] := private.filler_words();
  v_text text;
  v_raw text;
  v_base text;
  v_suffix text;
  v_parts text[];
  v_part text;
  v_word text;
  v_value text;
  v_hour integer;
  v_out text[] := '{}'::text[];
  v_tens boolean := false;
begin
  v_text := lower(translate(fact, '’‘`´', ''''''''''));
  -- Times and amounts written in one piece: "9am", "9 a.m.", "3,000".
  v_text := regexp_replace(v_text, '\m([ap])\.m\.?', '\1m', 'g');
  v_text := regexp_replace(v_text, '([[:digit:]])(am|pm)\M', '\1 \2', 'g');
  v_text := regexp_replace(v_text, '([[:digit:]]),([[:digit:]]{3})\M', '\1\2', 'g');
  v_text := regexp_replace(v_text, 'o''clock', ' ', 'g');
  v_text := replace(v_text, '&', ' and ');
  -- Filler of more than one word ("to be honest", "by the way"): no part of the fact.
  v_text := regexp_replace(v_text, '\m(to be (honest|fair|frank)|tbh|in fact|of course|by the way|btw|you know|i mean|i guess|as it happens)\M',
                           ' , ', 'g');
  -- A currency sign after its amount, where the unit's word goes: "$15" as "15 dollars".
  v_text := regexp_replace(v_text, '([$€£¥₹])[[:space:]]*([[:digit:]][[:digit:].]*)', '\2 \1', 'g');
  -- A day before its month ("12 September") as after it ("September 12").
  v_text := regexp_replace(v_text, '\m([[:digit:]]{1,2})(st|nd|rd|th)?(\s+of)?\s+(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\M',
                           '\4 \1', 'g');
  for v_raw in select m[1] from regexp_matches(v_text, '([[:digit:]]{1,2}:[[:digit:]]{2}|[[:alnum:]]+(?:''[[:alpha:]]+)*|[$€£¥₹%°]|[,;:()]|--|[[:space:]]-[[:space:]])', 'g') m loop
    v_parts := null;
    if v_raw ~ '^[$€£¥₹%°]$' then
      -- A sign is its unit's word: "$20" and "20 dollars" are one amount, "$20" and "€20" are not.
      v_parts := array[case v_raw when '$' then 'dollar' when '€' then 'euro' when '£' then 'gbp' when '¥' then 'yen'
                                  when '₹' then 'rupee' when '%' then 'percent' else 'degree' end];
    elsif v_raw !~ '[[:alnum:]]' then
      -- Where a clause or a phrase set off by commas ends: what the rules of order read.
      if v_out[cardinality(v_out)] is distinct from ',' and cardinality(v_out) > 0 then
        v_out := v_out || ','::text;
      end if;
      continue;
    elsif v_raw ~ '^[[:digit:]]{1,2}:[[:digit:]]{2}$' then
      -- A clock time: "09:00" and "9 am", "21:30" and "9 30 pm" are the same time.
      v_hour := split_part(v_raw, ':', 1)::integer;
      v_parts := array[case when v_hour % 12 = 0 then 12 else v_hour % 12 end::text];
      if split_part(v_raw, ':', 2) <> '00' then
        v_parts := v_parts || ltrim(split_part(v_raw, ':', 2), '0');
      end if;
      if v_hour >= 12 and v_hour <= 23 then
        v_parts := v_parts || 'pm'::text;
      elsif v_hour = 0 or v_raw ~ '^0' then
        v_parts := v_parts || 'am'::text;
      end if;
    elsif v_forms ? v_raw then
      v_parts := string_to_array(v_forms ->> v_raw, ' ');
    elsif v_raw ~ 'n''t$' then
      v_parts := array[left(v_raw, -3), 'not'];
    elsif v_raw ~ '''[[:alpha:]]+$' then
      v_base := substring(v_raw from '^(.*)''[[:alpha:]]+$');
      v_suffix := substring(v_raw from '''[[:alpha:]]+$');
      if v_forms ? v_suffix then
        v_parts := array[v_base] || string_to_array(v_forms ->> v_suffix, ' ');
      elsif v_suffix = '''s' and v_base in ('he', 'she', 'it', 'there', 'here', 'who', 'where', 'how', 'what', 'that', 'this') then
        v_parts := array[v_base, 'is'];
      elsif v_suffix = '''d' then
        v_parts := array[v_base, 'would'];
      else
        -- A possessive: "user's" is "user" and its "s", as normalize_fact splits it.
        v_parts := array[v_base, ltrim(v_suffix, '''')];
      end if;
    else
      v_parts := array[v_raw];
    end if;
    foreach v_part in array v_parts loop
      foreach v_word in array coalesce(string_to_array(coalesce(v_forms ->> v_part, v_part), ' '), '{}') loop
        v_word := replace(v_word, '''', '');
        continue when v_word = '' or v_word = any (v_filler);
        -- Numbers as digits, ordinals as their number: "two", "2"; "3rd", "third", "3".
        v_value := v_values ->> v_word;
        if v_value like 'number:%' and v_word !~ '^(primary|secondary|tertiary)$' then
          -- "thirty-four", "thirty four": one number, 34.
          if v_tens and substr(v_value, 8) ~ '^[1-9]$' then
            v_out[cardinality(v_out)] := (v_out[cardinality(v_out)]::integer + substr(v_value, 8)::integer)::text;
            v_tens := false;
            continue;
          end if;
          v_word := substr(v_value, 8);
          v_tens := v_word ~ '^[2-9]0$';
        elsif v_word ~ '^[[:digit:]]+(st|nd|rd|th)$' then
          v_word := substring(v_word from '^[[:digit:]]+');
          v_tens := false;
        elsif v_word ~ '^0[[:digit:]]+$' then
          v_word := ltrim(v_word, '0');
          v_tens := false;
        else
          v_tens := false;
        end if;
        v_out := v_out || v_word;
      end loop;
    end loop;
  end loop;
  -- "9 pm" written after a 24-hour time already read as pm.
  if v_out[cardinality(v_out)] = ',' then
    v_out := v_out[:cardinality(v_out) - 1];
  end if;
  return array(select t from unnest(v_out) with ordinality u(t, n)
                where not (t in ('am', 'pm') and n > 1 and v_out[n - 1] = t) order by n);
end
$_$;
REVOKE ALL ON FUNCTION private.fact_tokens(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.fact_tokens(fact text) IS 'A fact''s words as the relation rules read it, in order, with a '','' where a comma, semicolon, colon or dash sets a phrase off: lower case, contractions expanded (private.word_forms), British spellings American, numbers as digits and ordinals as their number, clock times in one form (09:00 = 9:00 am = 9 am), filler words left out (private.filler_words).';

GRANT ALL ON FUNCTION private.fact_tokens(fact text) TO authenticated;
GRANT ALL ON FUNCTION private.fact_tokens(fact text) TO service_role;

CREATE FUNCTION private.relation_words() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select jsonb_object_agg(r.word, r.role) from (values
    -- What a phrase's first word says of the words after it; a word may say two things ('to' Lisbon, 'to' tea).
    ('from', 'source'), ('to', 'goal|alternative'), ('into', 'goal'), ('onto', 'goal'), ('towards', 'goal'),
    ('toward', 'goal'), ('over', 'alternative'), ('than', 'alternative'), ('instead', 'alternative'),
    ('rather', 'alternative'), ('versus', 'alternative'), ('vs', 'alternative'), ('before', 'before'),
    ('until', 'before'), ('till', 'before'), ('after', 'after'), ('since', 'after'), ('under', 'below'),
    ('below', 'below'), ('beneath', 'below'), ('above', 'above'), ('inside', 'inside'), ('within', 'inside'),
    ('outside', 'outside'), ('with', 'with'), ('without', 'without'), ('by', 'by'), ('for', 'for'),
    ('at', 'place'), ('in', 'place'), ('on', 'place'), ('near', 'place'), ('of', 'of'), ('about', 'about'),
    ('as', 'as'), ('across', 'place'), ('along', 'place'), ('among', 'place'), ('around', 'place'),
    ('during', 'time'), ('through', 'place'), ('throughout', 'place'), ('per', 'time'), ('via', 'place'),
    ('upon', 'place'), ('beside', 'place'), ('besides', 'place'), ('between', 'place'), ('behind', 'place'),
    ('beyond', 'place'), ('despite', 'despite'), ('except', 'except'), ('like', 'as'),
    -- Words that join clauses: each starts a clause of its own.
    ('and', 'clause'), ('or', 'clause'), ('but', 'clause'), ('while', 'clause'), ('whereas', 'clause'),
    ('although', 'clause'), ('though', 'clause'), ('because', 'clause'), ('yet', 'clause'), ('plus', 'clause'),
    ('when', 'clause'), ('whenever', 'clause'), ('if', 'clause'), ('unless', 'clause'),
    -- Words that open a time phrase before a time word ("every morning").
    ('every', 'opens time'), ('each', 'opens time'), ('last', 'opens time'), ('next', 'opens time'),
    -- Personal pronouns, as subject and object alike: who does what to whom is a role.
    ('him', 'pronoun he'), ('he', 'pronoun he'), ('her', 'pronoun she'), ('she', 'pronoun she'),
    ('them', 'pronoun they'), ('they', 'pronoun they'), ('me', 'pronoun i'), ('i', 'pronoun i'),
    ('us', 'pronoun we'), ('we', 'pronoun we')) as r(word, role)
$$;
REVOKE ALL ON FUNCTION private.relation_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.relation_words() IS 'The words that give the words after them a role (private.fact_roles): prepositions and comparators by what they say (source, goal, alternative, before, ...), the words that join clauses, the openers of time phrases, and the personal pronouns (one role whether subject or object).';

GRANT ALL ON FUNCTION private.relation_words() TO authenticated;
GRANT ALL ON FUNCTION private.relation_words() TO service_role;

CREATE FUNCTION private.is_content_word(word text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  -- PL/pgSQL, not SQL: its plan, with the word lists folded in, is kept for the session.
  return pg_catalog.ts_lexize('english_stem', word) <> '{}' and not private.relation_words() ? word;
end
$$;
REVOKE ALL ON FUNCTION private.is_content_word(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.is_content_word(word text) IS 'Whether a word carries content: not an English stop word, and no word of private.relation_words.';

GRANT ALL ON FUNCTION private.is_content_word(word text) TO authenticated;
GRANT ALL ON FUNCTION private.is_content_word(word text) TO service_role;

CREATE FUNCTION private.is_time_word(word text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return coalesce(private.value_words() ->> word, '')
         ~ '^(date|frequency):|^amount:(times|hour|minute|second|day|week|fortnight|month|year|decade)$';
end
$$;
REVOKE ALL ON FUNCTION private.is_time_word(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.is_time_word(word text) IS 'Whether a word says when or how often (a day, month, time of day, season, frequency or a unit of time): what a time phrase holds.';

GRANT ALL ON FUNCTION private.is_time_word(word text) TO authenticated;
GRANT ALL ON FUNCTION private.is_time_word(word text) TO service_role;

CREATE FUNCTION private.fact_roles(tokens text[]) RETURNS TABLE(word text, clause integer, role text, core_order integer, segment integer)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_relations jsonb := private.relation_words();
  v_values jsonb := private.value_words();
  v_t text[] := tokens;
  v_n integer := cardinality(tokens);
  v_word text;
  v_kind text;
  v_clause integer := 1;
  v_role text := 'core';
  v_filled boolean := false;
  v_core integer := 0;
  v_clause_core integer := 0;
  v_fronted boolean := false;
  v_time boolean;
  v_segment integer := 1;
  v_compared boolean := false;
begin
  -- Two words joined by "and" or "or" say the same in either order ("tea and coffee"): put them in one order.
  for i in 2 .. v_n - 1 loop
    -- Only where the second word ends the phrase: in "Lyon and studied in Paris" a clause starts.
    if v_t[i] in ('and', 'or') and private.is_content_word(v_t[i - 1]) and private.is_content_word(v_t[i + 1])
       and (i + 1 = v_n or v_t[i + 2] = ',' or v_relations ->> v_t[i + 2] = 'clause'
            or coalesce(v_values ->> v_t[i + 2], '') ~ '^(date|frequency):') then
      if v_t[i - 1] > v_t[i + 1] then
        v_word := v_t[i - 1];
        v_t[i - 1] := v_t[i + 1];
        v_t[i + 1] := v_word;
      end if;
      v_t[i] := '&';
    end if;
  end loop;
  for i in 1 .. v_n loop
    v_word := v_t[i];
    v_kind := v_relations ->> v_word;
    continue when v_word = '&';
    if v_word = ',' then
      v_role := 'core';
      v_fronted := false;
      v_compared := false;
      v_segment := v_segment + 1;
      continue;
    elsif v_kind = 'clause' then
      v_clause := v_clause + 1;
      v_compared := false;
      v_segment := v_segment + 1;
      v_role := 'core';
      v_filled := false;
      v_fronted := false;
      v_clause_core := 0;
      continue;
    end if;
    v_time := private.is_time_word(v_word);
    -- "rather" compares only before "than"; "instead of" is one word.
    if v_word = 'rather' and v_t[i + 1] is distinct from 'than' then
      v_kind := null;
    elsif v_word = 'of' and v_t[i - 1] = 'instead' then
      continue;
    end if;
    -- Where a phrase ends without a word to say so: a time phrase with its time words and numbers ("every morning
    -- drinks coffee"), a phrase before the clause's subject after one word unless a comma closes it ("In Lisbon the
    -- user").
    if v_role <> 'core' and v_filled and (v_kind is null or v_kind like 'pronoun %') then
      if v_role = 'time' then
        if not (v_time or v_word ~ '^[[:digit:]]' or coalesce(v_values ->> v_word, '') ~ '^(number|amount):') then
          v_role := 'core';
        end if;
      elsif v_fronted and ',' <> all (v_t[i:]) and not (v_time or v_word ~ '^[[:digit:]]') then
        v_role := 'core';
      end if;
    end if;
    if v_kind = 'opens time' then
      if private.is_time_word(v_t[i + 1]) or v_t[i + 1] ~ '^[[:digit:]]' then
        v_role := 'time';
        v_filled := false;
        v_fronted := v_clause_core = 0;
      end if;
      continue;
    elsif v_kind like 'pronoun %' then
      v_word := substr(v_kind, 9);
    elsif v_kind is not null then
      v_role := v_kind;
      v_filled := false;
      v_fronted := v_clause_core = 0;
      -- What a comparison sets against ("over", "than", or "to" after a preference) reaches the phrases after it:
      -- "from home to working at the office", "at night to working in the morning".
      if v_kind = 'alternative' or (v_kind = 'goal|alternative'
                                    and exists (select 1 from unnest(v_t[:i]) p where p like 'prefer%')) then
        v_compared := true;
      end if;
      continue;
    elsif not private.is_content_word(v_word) then
      continue;
    end if;
    -- A time word after the words of a phrase starts a time phrase ("of medication every morning"), and so does a
    -- number before one ("three times a week", "twice a year").
    if v_role <> 'time' and ((v_time and (v_role in ('core', 'place') or v_filled))
                             or ((v_word ~ '^[[:digit:]]' or v_word in ('once', 'twice', 'thrice'))
                                 and private.is_time_word(v_t[i + 1]))) then
      v_role := 'time';
      v_fronted := v_clause_core = 0;
    end if;
    -- A word by its stem: "sisters" and "sister", "drives" and "driving" hold one place.
    word := coalesce((pg_catalog.ts_lexize('english_stem', v_word))[1], v_word);
    clause := v_clause;
    role := case when v_compared and v_role not in ('alternative', 'goal|alternative') then 'alternative ' || v_role
                 else v_role end;
    segment := v_segment;
    core_order := null;
    v_filled := true;
    if v_role = 'core' then
      v_core := v_core + 1;
      v_clause_core := v_clause_core + 1;
      core_order := v_core;
    end if;
    return next;
  end loop;
end
$$;
REVOKE ALL ON FUNCTION private.fact_roles(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.fact_roles(tokens text[]) IS 'The role of each content word of a fact (its private.fact_tokens): the clause it is in, and either its place in the clause''s core (subject, verb, object in order) or the kind of phrase it is in (source, goal, alternative, time, ...), and the segment (the stretch between commas or clause words) it stands in. Two words joined by and/or are put in one order.';

GRANT ALL ON FUNCTION private.fact_roles(tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.fact_roles(tokens text[]) TO service_role;

CREATE FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  with ra as (select distinct on (r.word) r.* from private.fact_roles(a_tokens) r order by r.word, r.clause, r.core_order),
       rb as (select distinct on (r.word) r.* from private.fact_roles(b_tokens) r order by r.word, r.clause, r.core_order),
       common as materialized (
         select ra.word, ra.clause as a_clause, rb.clause as b_clause, ra.role as a_role, rb.role as b_role,
                ra.core_order as a_core, rb.core_order as b_core, ra.segment as a_segment, rb.segment as b_segment
           from ra join rb using (word))
  select (select count(*) from common) >= 2 and (
    -- A word in another kind of phrase ("cats" preferred, then the ones "to" which dogs are).
    exists (select 1 from common c
             where not string_to_array(c.a_role, '|') operator(pg_catalog.&&) string_to_array(c.b_role, '|'))
    -- Words that shared a clause now apart, or the other way round ("bike in the garage and car in the street").
    or exists (select 1 from common x join common y on x.word < y.word
                where (x.a_clause = y.a_clause) <> (x.b_clause = y.b_clause))
    -- Two words of one clause's core in the other order (subject and object swapped), unless a comma sets one
    -- apart from the other on either side: that stretch moved whole ("Miso and Tofu: has two cats called").
    or exists (select 1 from common x join common y on x.word < y.word
                where x.a_core is not null and y.a_core is not null and x.b_core is not null and y.b_core is not null
                  and x.a_clause = y.a_clause and x.a_segment = y.a_segment and x.b_segment = y.b_segment
                  and (x.a_core < y.a_core) <> (x.b_core < y.b_core)))
$$;
REVOKE ALL ON FUNCTION private.roles_differ(text[], text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) IS 'Whether the words two facts share stand in other roles (private.fact_roles): in another kind of phrase, in another order in the core, or grouped into other clauses. Whole phrases and clauses may move; "cats to dogs" and "dogs to cats" differ.';

GRANT ALL ON FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) TO service_role;

CREATE FUNCTION private.denied_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_vocabulary jsonb := private.value_words();
  v_word text;
  v_next boolean := false;
  v_denied text[] := '{}'::text[];
begin
  -- Each negation is read with the first word after it that is no stop word ("not ... meat", "without sugar").
  foreach v_word in array tokens loop
    if v_vocabulary ->> v_word = 'negation' then
      v_denied := v_denied || 'not'::text;
      v_next := true;
    elsif v_next and v_word <> ',' and pg_catalog.ts_lexize('english_stem', v_word) <> '{}'
          and v_word not in ('longer', 'anymore') then
      -- "no longer plays": what is denied is the playing.
      v_denied := v_denied || v_word;
      v_next := false;
    end if;
  end loop;
  return array(select t from unnest(v_denied) t order by t);
end
$$;
REVOKE ALL ON FUNCTION private.denied_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.denied_words(tokens text[]) IS 'What a fact''s tokens deny, sorted: a ''not'' for each negation and the first content word after it.';

GRANT ALL ON FUNCTION private.denied_words(tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.denied_words(tokens text[]) TO service_role;

CREATE FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_vocabulary jsonb := private.value_words();
  v_verbs jsonb := private.verb_forms();
  -- With the commas: where phrases are set off matters to the order of words, not to the words.
  v_a_tokens text[] := a_tokens;
  v_b_tokens text[] := b_tokens;
  v_a_words text[];
  v_b_words text[];
  v_fact text;
  v_mine text[];
  v_other text[];
  v_word text;
  v_known text;
  v_suffix text;
  v_found text[];
  v_token text;
  v_a text[] := '{}'::text[];
  v_b text[] := '{}'::text[];
  v_differing text[] := '{}'::text[];
  v_at integer;
  v_class text;
  v_written_in_digits text[] := '{}'::text[];
  -- Whether each side has a word of its own that is no value, no stop word and no filler.
  v_own_word boolean[] := array[false, false];
  v_maybe_past boolean[] := array[false, false];
  v_perfect boolean[] := array[false, false];
begin
  -- The same words in the same order, or joined otherwise ("e-mail", "email"): the same statement.
  if array_remove(v_a_tokens, ',') = array_remove(v_b_tokens, ',')
     or array_to_string(array_remove(v_a_tokens, ','), '') = array_to_string(array_remove(v_b_tokens, ','), '') then
    return null;
  end if;
  v_a_words := array(select distinct w from unnest(v_a_tokens) w where w <> ',' order by w);
  v_b_words := array(select distinct w from unnest(v_b_tokens) w where w <> ',' order by w);
  if not (v_a_words operator(pg_catalog.<@) v_b_words and v_b_words operator(pg_catalog.<@) v_a_words) then
    for v_side in 1 .. 2 loop
      v_fact := case v_side when 1 then a_fact else b_fact end;
      v_mine := case v_side when 1 then v_a_words else v_b_words end;
      v_other := case v_side when 1 then v_b_words else v_a_words end;
      foreach v_word in array v_mine loop
        continue when v_word = any (v_other);
        v_known := v_vocabulary ->> v_word;
        v_found := '{}';
        if v_word ~ '^[[:digit:]]' then
          v_found := array['number:' || substring(v_word from '^[[:digit:]]+')];
          v_written_in_digits := v_written_in_digits || v_found[1];
          v_suffix := v_vocabulary ->> substring(v_word from '^[[:digit:]]+([[:alpha:]]+)$');
          if v_suffix <> '' then
            v_found := v_found || v_suffix;
          end if;
        elsif v_word = 'may' then
          if strpos(v_fact, 'May') > 0 or strpos(v_fact, 'MAY') > 0 then
            v_found := array['date:may'];
          end if;
        elsif v_known <> '' then
          v_found := array[v_known];
        elsif (v_verbs ->> v_word) ~ ' (past|participle)$'
              or (v_word ~ 'ed$' and pg_catalog.ts_lexize('english_stem', v_word) <> array[v_word]
                  and exists (select 1 from unnest(v_other) o
                               where not o = any (v_mine)
                                 and pg_catalog.ts_lexize('english_stem', o) = pg_catalog.ts_lexize('english_stem', v_word))) then
          -- A verb in the past: irregular ("went"), or the other side's verb with -ed ("lived" for "lives").
          v_found := array['tense:past'];
        elsif v_word ~ 'ed$' and pg_catalog.ts_lexize('english_stem', v_word) <> array[v_word] then
          -- Any other -ed word may be a past verb or an adjective ("employed"): past only beside another past
          -- ("purchased" for "bought"), where it keeps the two sides' time the same.
          v_maybe_past[v_side] := true;
        -- A name: capitalized somewhere, and no stop word.
        elsif (strpos(v_fact, initcap(v_word)) > 0 or strpos(v_fact, upper(v_word)) > 0)
              and private.capitalized_as_name(v_fact, v_word, v_known is null)
              and pg_catalog.ts_lexize('english_stem', v_word) <> '{}' then
          v_found := array['name:' || v_word];
        end if;
        if v_word in ('has', 'have') then
          v_perfect[v_side] := true;
        end if;
        -- A word of its own: no value, no stop word ("vegan" for "vegetarian", "loves" for "likes"; the openers
        -- value_words lists carry no value, but they are words, and filler is already left out).
        -- "The user", whom every memory is about, is no word of its own: "the user prefers tea" is "prefers tea".
        if cardinality(v_found) = 0 and coalesce(v_known, '') = '' and pg_catalog.ts_lexize('english_stem', v_word) <> '{}'
           and v_word not in ('user', 'users') then
          v_own_word[v_side] := true;
        end if;
        foreach v_token in array v_found loop
          if v_token like 'name:%' then
            v_differing := v_differing || v_token;
          elsif v_side = 1 then
            v_a := v_a || v_token;
          else
            v_b := v_b || v_token;
          end if;
        end loop;
      end loop;
    end loop;
    -- "has been", "have lived": a past form after has or have is the present perfect, still true now.
    if v_perfect[1] and 'tense:past' = any (v_a) then
      v_a := array_replace(v_a, 'tense:past', 'tense:perfect');
    end if;
    if v_perfect[2] and 'tense:past' = any (v_b) then
      v_b := array_replace(v_b, 'tense:past', 'tense:perfect');
    end if;
    if v_maybe_past[1] and 'tense:past' = any (v_b) then
      v_a := v_a || 'tense:past'::text;
    end if;
    if v_maybe_past[2] and 'tense:past' = any (v_a) then
      v_b := v_b || 'tense:past'::text;
    end if;
    -- How often, and am or pm, count only when both facts say it.
    foreach v_class in array array['frequency', 'meridiem'] loop
      if not exists (select 1 from unnest(v_b) t where split_part(t, ':', 1) = v_class) then
        v_a := array(select t from unnest(v_a) t where split_part(t, ':', 1) <> v_class);
      end if;
      if not exists (select 1 from unnest(v_a) t where split_part(t, ':', 1) = v_class) then
        v_b := array(select t from unnest(v_b) t where split_part(t, ':', 1) <> v_class);
      end if;
    end loop;
    -- The multiset difference: each token of one side cancels one equal token of the other.
    foreach v_token in array v_a loop
      v_at := array_position(v_b, v_token);
      if v_at is null then
        v_differing := v_differing || v_token;
      else
        v_b := v_b[:v_at - 1] || v_b[v_at + 1:];
      end if;
    end loop;
    v_differing := v_differing || v_b;
    -- The same digits in the same order, only grouped otherwise ("3,000" and "3000"), are one number.
    if regexp_replace(array_to_string(v_a_tokens, ' '), '[^[:digit:]]', '', 'g') = regexp_replace(array_to_string(v_b_tokens, ' '), '[^[:digit:]]', '', 'g')
       and not exists (select 1 from unnest(v_differing) t where t like 'number:%' and not t = any (v_written_in_digits)) then
      v_differing := array(select t from unnest(v_differing) t where t not like 'number:%');
    end if;
    -- A word in place of another ("padel" for "squash", "bus" for "train") or added ("table tennis" for
    -- "tennis") may change the fact or only its wording ("named" for "called"): words alone cannot tell, so the
    -- pair stands apart unless its embeddings call it a duplicate (the callers let cosine overrule this reason).
    if v_own_word[1] or v_own_word[2] then
      v_differing := v_differing || 'word:'::text;
    end if;
    -- What the statement says of its fact first (polarity, time, comparison, quantity), then who stands where,
    -- then the values it holds.
    foreach v_class in array array['negation', 'tense', 'comparison', 'quantity', 'roles', 'number', 'date', 'meridiem',
                                   'amount', 'frequency', 'family', 'name', 'word'] loop
      if v_class = 'roles' then
        if private.roles_differ(v_a_tokens, v_b_tokens) then
          return 'order or roles differ';
        end if;
        continue;
      end if;
      foreach v_token in array v_differing loop
        if split_part(v_token, ':', 1) = v_class then
          return case v_class
                   when 'negation' then 'negation differs'
                   when 'tense' then 'tense or aspect differs'
                   when 'comparison' then 'comparison differs'
                   when 'quantity' then 'quantity differs'
                   when 'number' then 'number differs'
                   when 'date' then 'date or time differs'
                   when 'meridiem' then 'date or time differs'
                   when 'amount' then 'amount or unit differs'
                   when 'frequency' then 'frequency differs'
                   when 'family' then 'family member differs'
                   when 'name' then 'name differs'
                   else 'word differs'
                 end;
        end if;
      end loop;
    end loop;
    return null;
  end if;

  if regexp_replace(a_fact, '[^$€£¥₹%°]', '', 'g') <> regexp_replace(b_fact, '[^$€£¥₹%°]', '', 'g') then
    return 'amount or unit differs';
  end if;
  -- The same words can still hold a negation a different number of times, or deny different things.
  if private.denied_words(v_a_tokens) <> private.denied_words(v_b_tokens) then
    return 'negation differs';
  end if;
  -- The same words in another order: the same fact when whole phrases or clauses moved, not when two words
  -- changed places around a relation.
  if private.roles_differ(v_a_tokens, v_b_tokens) then
    return 'order or roles differ';
  end if;
  return null;
end
$_$;
REVOKE ALL ON FUNCTION private.tokens_difference(text, text[], text, text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) IS 'private.value_difference on facts already read (their private.fact_tokens), for callers that read each fact once.';

GRANT ALL ON FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) TO service_role;

CREATE FUNCTION private.value_difference(a_fact text, b_fact text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$ select private.tokens_difference(a_fact, private.fact_tokens(a_fact), b_fact, private.fact_tokens(b_fact)) $$;
REVOKE ALL ON FUNCTION private.value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.value_difference(a_fact text, b_fact text) IS 'The guard of duplicate detection: why two facts are distinct whatever their word similarity, read on their private.fact_tokens (so contractions, spellings, number and time formats and filler never count): ''negation differs'', ''tense or aspect differs'', ''comparison differs'', ''quantity differs'', ''order or roles differ'', ''number differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', or null when they say the same; ''word differs'' (a word put in place of another, or added) yields to a cosine at the model''s threshold.';

GRANT ALL ON FUNCTION private.value_difference(a_fact text, b_fact text) TO authenticated;
GRANT ALL ON FUNCTION private.value_difference(a_fact text, b_fact text) TO service_role;

CREATE FUNCTION private.content_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return coalesce((select array_agg(distinct t order by t) from unnest(tokens) t where private.is_content_word(t)), '{}');
end
$$;
REVOKE ALL ON FUNCTION private.content_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.content_words(tokens text[]) IS 'The distinct content words (private.is_content_word) of a fact''s tokens.';

GRANT ALL ON FUNCTION private.content_words(tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.content_words(tokens text[]) TO service_role;

CREATE FUNCTION private.topic_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_words text[] := private.content_words(tokens);
begin
  return coalesce(nullif(array(select w from unnest(v_words) w
                                where coalesce(private.value_words() ->> w, 'value') <> ''), '{}'), v_words);
end
$$;
REVOKE ALL ON FUNCTION private.topic_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.topic_words(tokens text[]) IS 'What a fact is about: the content words of its tokens (private.fact_tokens), less the openers every fact has ("user", "likes") unless it has no others. store_memory looks for the memories a statement may refine or conflict with by them.';

GRANT ALL ON FUNCTION private.topic_words(tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.topic_words(tokens text[]) TO service_role;

CREATE FUNCTION private.word_variants(word text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_stem text := coalesce((pg_catalog.ts_lexize('english_stem', word))[1], word);
  -- "driv" for "drive", "stud" for "studi": the base the endings join.
  v_base text := case when right(v_stem, 1) in ('e', 'i') then left(v_stem, -1) else v_stem end;
begin
  return array[word, v_stem, v_stem || 's', v_stem || 'es', v_stem || 'd', v_stem || 'ed', v_stem || 'ing',
               v_stem || 'er', v_stem || 'ers', v_base || 'ing', v_base || 'y', v_base || 'ies', v_base || 'ied',
               v_stem || 'e', v_stem || 'es'];
end
$$;
REVOKE ALL ON FUNCTION private.word_variants(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.word_variants(word text) IS 'The forms a word may be stored in (its stem with the usual English endings: "drive", "drives", "driving", "driven"...), for the probes of store_memory''s wider candidate net.';

GRANT ALL ON FUNCTION private.word_variants(word text) TO authenticated;
GRANT ALL ON FUNCTION private.word_variants(word text) TO service_role;

CREATE FUNCTION private.family_in_core(tokens text[], besides text[]) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return exists (select 1 from private.fact_roles(tokens) r
                  where r.role = 'core' and not r.word = any (besides)
                    and coalesce(private.value_words() ->> r.word, '') like 'family:%');
end
$$;
REVOKE ALL ON FUNCTION private.family_in_core(text[], text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.family_in_core(tokens text[], besides text[]) IS 'Whether a fact''s tokens hold a family member, other than the given words, as subject or object (in the core of a clause): another person the fact is about, not a detail ("with her brother").';

GRANT ALL ON FUNCTION private.family_in_core(tokens text[], besides text[]) TO authenticated;
GRANT ALL ON FUNCTION private.family_in_core(tokens text[], besides text[]) TO service_role;

CREATE FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) RETURNS TABLE(relation text, reason text)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_reason text := private.tokens_difference(known, known_tokens, said, said_tokens);
  v_known_tokens text[] := known_tokens;
  v_said_tokens text[] := said_tokens;
  v_known text[] := array(select distinct t from unnest(v_known_tokens) t where t <> ',');
  v_said text[] := array(select distinct t from unnest(v_said_tokens) t where t <> ',');
  -- Every word of the fact is in the statement, which says more (and the other way round); a single word is too
  -- little to build on ("has a dog" is not refined by "my dog bit the cat").
  v_adds boolean := cardinality(v_known) >= 2 and v_known operator(pg_catalog.<@) v_said
                    and not v_said operator(pg_catalog.<@) v_known;
  v_keeps_less boolean := cardinality(v_said) >= 2 and v_said operator(pg_catalog.<@) v_known
                          and not v_known operator(pg_catalog.<@) v_said;
begin
  if v_reason is null then
    return query select 'duplicate'::text, null::text;
    return;
  end if;
  -- A negation of what the other did not say ("without sugar", "but not cats") is a detail: it denies nothing of it.
  if v_reason = 'negation differs'
     and ((v_adds and private.denied_words(v_known_tokens) operator(pg_catalog.<@) array['not']
           and not private.denied_words(v_said_tokens) operator(pg_catalog.&&) v_known)
          or (v_keeps_less and private.denied_words(v_said_tokens) operator(pg_catalog.<@) array['not']
              and not private.denied_words(v_known_tokens) operator(pg_catalog.&&) v_said)) then
    v_reason := 'word differs';
  end if;
  -- What adds a value or a word to a fact refines it; what keeps only some of it, and denies or changes none, says
  -- less than the fact already does. A family member or a name added is another person (unless the name is what
  -- something is called), and a change of polarity, time, comparison, quantity or roles is a conflict.
  -- A family member added in a phrase ("with her brother") is a detail; as the subject or object, another person.
  if v_reason = 'family member differs'
     and ((v_adds and not private.family_in_core(v_said_tokens, v_known))
          or (v_keeps_less and not private.family_in_core(v_known_tokens, v_said))) then
    v_reason := 'word differs';
  end if;
  if v_reason in ('number differs', 'date or time differs', 'amount or unit differs', 'word differs', 'name differs') then
    if v_adds then
      return query select 'refines'::text, 'adds a detail'::text;
      return;
    elsif v_keeps_less and (v_reason <> 'name differs' or v_known operator(pg_catalog.&&) array['called', 'named']) then
      return query select 'duplicate'::text, 'says less'::text;
      return;
    end if;
  end if;
  return query select 'conflicts'::text, v_reason;
end
$$;
REVOKE ALL ON FUNCTION private.tokens_relation(text, text[], text, text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) IS 'public.fact_relation on facts already read (their private.fact_tokens), for store_memory, which reads the statement once.';

GRANT ALL ON FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) TO authenticated;
GRANT ALL ON FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) TO service_role;

CREATE FUNCTION public.fact_relation(known text, said text) RETURNS TABLE(relation text, reason text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$ select r.relation, r.reason from private.tokens_relation(known, private.fact_tokens(known), said, private.fact_tokens(said)) r $$;
REVOKE ALL ON FUNCTION public.fact_relation(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_relation(known text, said text) IS 'How a statement stands to a known fact, from their words alone: duplicate (the same meaning, reason null, or ''says less''), refines (the fact with a detail added: ''adds a detail''), or conflicts with the reason private.value_difference gives. store_memory lets a same-model cosine at the threshold make a ''word differs'' conflict a duplicate.';

GRANT ALL ON FUNCTION public.fact_relation(known text, said text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_relation(known text, said text) TO service_role;

CREATE FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) RETURNS TABLE(id uuid, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_old public.user_memories := private.active_memory_for_update(target, memory);
  v_kept public.user_memories := private.merged_memory(statement, array[v_old]);
begin
  update public.user_memories m set is_active = false where m.id = v_old.id;
  -- The statement's text and embedding (the old embedding is of the old text); the rest as a merge keeps it.
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id)
  values (target, statement.fact, statement.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
    v_kept.source_conversation_id, v_kept.metadata, statement.embedding, statement.embedding_model, v_kept.expires_at,
    v_old.version + 1, v_old.id)
  returning user_memories.id, user_memories.version into id, version;
  perform private.move_sightings(target, array[v_old.id], array[id]);
  return next;
end
$$;
REVOKE ALL ON FUNCTION private.store_version(uuid, uuid, public.user_memories) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) IS 'store_memory''s new version of a memory the statement refines or supersedes (under the user''s lock): the statement''s text and embedding, version + 1 linked to the previous one (deactivated, its text in memory_history), the rest kept as a merge keeps it; the sightings move along. PT404/PT409 as active_memory_for_update.';

GRANT ALL ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) TO authenticated;
GRANT ALL ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) TO service_role;

CREATE FUNCTION private.common_words() RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_kept text := pg_catalog.current_setting('memory.common_words', true);
  v_words text[];
begin
  -- Read once a session (the planner's statistics change with ANALYZE, not with each store), then kept in a
  -- setting of the session: the catalog view costs more than the probes it spares.
  if coalesce(v_kept, '') <> '' then
    return v_kept::text[];
  end if;
  v_words := coalesce((select s.most_common_elems::text::text[] from pg_catalog.pg_stats s
                        where s.schemaname = 'public' and s.tablename = 'user_memories' and s.attname = 'fact_words'), '{}');
  perform pg_catalog.set_config('memory.common_words', v_words::text, false);
  return v_words;
end
$$;
REVOKE ALL ON FUNCTION private.common_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.common_words() IS 'The most common words of user_memories.fact_words by the planner''s statistics (pg_stats.most_common_elems), read once a session: store_memory does not probe the index with them (their posting lists span every user).';

GRANT ALL ON FUNCTION private.common_words() TO authenticated;
GRANT ALL ON FUNCTION private.common_words() TO service_role;

CREATE FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, same_text boolean, jaccard double precision, cosine double precision, similarity double precision, importance_score double precision, created_at timestamp with time zone, value_difference text, is_duplicate boolean, relation text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 4
    SET search_path TO ''
    SET max_parallel_workers_per_gather TO '0'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  v_words text[] := public.fact_words(duplicate_candidates.fact);
  v_size integer := cardinality(public.fact_words(duplicate_candidates.fact));
  v_key text := md5(public.fact_key(duplicate_candidates.fact));
  v_tokens text[] := private.fact_tokens(duplicate_candidates.fact);
  v_misses integer;
  v_probe text[];
  v_same uuid[];
  v_candidates uuid[];
  v_wide uuid[] := '{}'::uuid[];
  -- What the statement is about (private.topic_words), as stored (to probe the index, in any of its forms) and as
  -- read; then, once there are candidates, every word and stem it holds, to compare with what a memory holds
  -- before reading the memory.
  v_topic text[] := private.topic_words(v_words);
  v_read_topic text[] := private.topic_words(v_tokens);
  -- Probed: its three longest topic words that are not among the table's most common words (planner statistics): a
  -- common word's posting list spans every user, and reading it would cost more than the store.
  v_common text[] := private.common_words();
  v_probes text[] := array(select distinct on (char_length(w), w) w from unnest(v_topic || v_read_topic) w
                            where not w = any (v_common)
                            order by char_length(w) desc, w limit 3);
  v_variants text[] := array(select distinct v from unnest(v_probes) w, unnest(private.word_variants(w)) v);
  v_held text[];
  v_reach text[];
  v_stems text[];
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or cosine_threshold is null or not (cosine_threshold > 0 and cosine_threshold <= 1) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  v_same := array(
    select m.id from public.user_memories m
     where m.user_id = target and m.is_active and md5(public.fact_key(m.fact)) = v_key and m.id is distinct from exclude);
  v_candidates := v_same;
  -- Jaccard >= t means the other set lacks at most m = |a| - ceil(t|a|) of our words. Deal our words into m + 1
  -- groups: a true duplicate lacks words from at most m of them, so it contains some group whole. Each group is a
  -- containment probe of the GIN index (an intersection of posting lists), selective however common the words.
  v_misses := v_size - ceil(jaccard_threshold * v_size)::integer;
  for v_group in 0 .. v_misses loop
    select array_agg(w) into v_probe
      from (select w, row_number() over (order by char_length(w) desc, w) as n from unnest(v_words) w) dealt
     where (dealt.n - 1) % (v_misses + 1) = v_group;
    v_candidates := v_candidates || array(
      select m.id from public.user_memories m
       where m.user_id = target and m.is_active and m.fact_words operator(pg_catalog.@>) v_probe
         and m.id is distinct from exclude);
  end loop;
  -- A wider net for what the statement may refine, say less than, or conflict with: memories that hold one of the
  -- probed topic words in any of its forms ("drives", "driving"). One probe for all of them, reading only the rare
  -- words' posting lists and picking the user's rows from what they hold (materialized: planned with the user's own
  -- index beside it, or walking that index until rows match, it cost more than the words).
  -- Planned for the call (EXECUTE): a generic plan, blind to how rare the words are, scanned the table instead.
  if cardinality(v_probes) > 0 then
    execute $probe$
      select array(
        with hits as materialized (
          select m.id, m.user_id from public.user_memories m
           where m.is_active and m.fact_words operator(pg_catalog.&&) $1)
        select h.id from hits h where h.user_id = $2 and h.id is distinct from $3 limit 24)$probe$
      into v_wide using v_variants, target, exclude;
  end if;
  -- A near duplicate by cosine shares almost every sign bit: a few candidates suffice. Asked only with an
  -- embedding: the scan behind it costs as much without one.
  if duplicate_candidates.embedding is not null then
    v_candidates := v_candidates || array(
      select n.id from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
       where n.id is distinct from exclude);
  end if;

  if cardinality(v_candidates || v_wide) = 0 then
    return;
  end if;
  v_held := array(select distinct w from unnest(v_words || v_tokens) w where w <> ',');
  v_reach := v_held || v_variants;
  -- Its stems, as full-text search has them (memories keep theirs in fts): "drives" and "driving" are one.
  v_stems := pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('english'::regconfig,
               duplicate_candidates.fact || ' ' || array_to_string(v_tokens, ' ')));

  return query
    with found as materialized (
      select m.id, m.fact, m.importance_score, m.created_at, m.id = any (v_same) as same,
             -- Jaccard of the word sets (each word once) from the size of their overlap.
             o.shared::double precision / (cardinality(m.fact_words) + v_size - o.shared) as jac,
             case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                  then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos,
             m.fact_words, pg_catalog.tsvector_to_array(m.fts) as stems
        from public.user_memories m
        cross join lateral (select count(*) as shared from unnest(m.fact_words) w where w = any (v_words)) o
       where m.id = any (v_candidates || v_wide) and m.user_id = target
    ),
    near as (
      select f.id, f.fact, f.importance_score, f.created_at, f.same, f.jac, f.cos from found f
       where f.same or f.jac >= jaccard_threshold or f.cos >= cosine_threshold
      union
      -- From the rest, the two nearest by what they hold already (no reading): near in words or in stems,
      -- inside the statement's reach (a detail added), or holding all of it (a detail left out, a word of time or
      -- polarity added).
      (select o.id, o.fact, o.importance_score, o.created_at, o.same, o.jac, o.cos
         from (select f.*,
                      -- Jaccard of word sets (each word once) from the size of their overlap.
                      x.words::double precision / nullif(cardinality(f.fact_words) + cardinality(v_held) - x.words, 0) as word_near,
                      x.stems::double precision / nullif(cardinality(f.stems) + cardinality(v_stems) - x.stems, 0) as stem_near
                 from found f
                 cross join lateral (select (select count(*) from unnest(f.fact_words) w where w = any (v_held)) as words,
                                            (select count(*) from unnest(f.stems) w where w = any (v_stems)) as stems) x
                where not (f.same or f.jac >= jaccard_threshold or coalesce(f.cos >= cosine_threshold, false))) o
        where o.word_near >= 0.4 or o.stem_near >= 0.5
           or (cardinality(o.fact_words) >= 2 and o.fact_words operator(pg_catalog.<@) v_reach)
           or v_words operator(pg_catalog.<@) o.fact_words
           or (cardinality(o.stems) >= 1 and o.stems operator(pg_catalog.<@) v_stems)
           or v_stems operator(pg_catalog.<@) o.stems
        order by greatest(o.word_near, o.stem_near) desc, o.id
        limit 2)
    ),
    judged as (
      select n.*, r.relation, r.reason, n.jac >= jaccard_threshold or n.cos >= cosine_threshold as close
        from near n
        cross join lateral (select private.fact_tokens(n.fact) as tokens) t
        left join lateral (select f.relation, f.reason from private.tokens_relation(n.fact, t.tokens, duplicate_candidates.fact, v_tokens) f
                            where not n.same) r on true
    )
    select j.id, j.same, j.jac, j.cos, j.similarity, j.importance_score, j.created_at, j.reason, j.duplicate,
           case when j.duplicate then 'duplicate' else j.relation end
      from (select j.*,
                   case when j.same then 1.0::double precision else greatest(coalesce(j.jac, 0), coalesce(j.cos, 0)) end as similarity,
                   j.same or j.relation = 'duplicate'
                     or (j.reason = 'word differs' and private.guard_allows_merge(j.reason, j.cos, cosine_threshold)) as duplicate
              from judged j) j
     -- Judged: the close ones, and from the wider net what the statement repeats, refines or conflicts with (a word
     -- in place of another there is another fact, not a conflict).
     where j.close or j.same or j.duplicate or j.relation = 'refines' or j.reason <> 'word differs';
end
$$;
REVOKE ALL ON FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) IS 'The active memories of a user near a candidate fact (same text, word Jaccard, or same-model cosine at its threshold, or half of its topic words), with their scores, the reason that sets each apart, whether it is a duplicate, and its relation (public.fact_relation): duplicate, refines or conflicts.';

REVOKE ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) TO service_role;

CREATE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision, on_conflict text DEFAULT 'keep'::text) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_thresholds record;
  v_statement public.user_memories;
  v_match uuid;
  v_similarity double precision;
  v_related jsonb;
  v_refined uuid;
  v_conflicting uuid;
  v_relation text;
  v_id uuid;
  v_status text;
  v_version integer;
  v_sighting uuid;
begin
  if on_conflict is null or on_conflict not in ('keep', 'supersede') then
    raise exception 'on_conflict must be keep or supersede, not %', coalesce(on_conflict, 'null')
      using errcode = '22023', column = 'on_conflict';
  end if;
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    raise exception 'idempotency_key must be 1 to 200 characters' using errcode = '22023', column = 'idempotency_key';
  end if;
  if duplicate_threshold is not null and not (duplicate_threshold > 0 and duplicate_threshold <= 1) then
    raise exception 'duplicate_threshold must be above 0 and at most 1' using errcode = '22023', column = 'duplicate_threshold';
  end if;
  perform private.validate_memory_input(v_fact, store_memory.memory_type, store_memory.category,
    store_memory.importance_score, store_memory.confidence_score, store_memory.embedding, store_memory.embedding_model,
    store_memory.metadata, store_memory.expires_at);

  perform private.lock_user_memories(v_user);

  if idempotency_key is not null then
    return query
      select k.memory_id, k.status, k.version, k.sighting_id, k.related, k.relation from public.memory_idempotency_keys k
       where k.user_id = v_user and k.idempotency_key = store_memory.idempotency_key;
    if found then
      return;
    end if;
  end if;

  -- The statement as a memory row, for the merge rule and the sighting.
  v_statement.user_id := v_user;
  v_statement.fact := v_fact;
  v_statement.memory_type := store_memory.memory_type;
  v_statement.category := store_memory.category;
  v_statement.importance_score := store_memory.importance_score;
  v_statement.confidence_score := store_memory.confidence_score;
  v_statement.source_conversation_id := store_memory.source_conversation_id;
  v_statement.metadata := store_memory.metadata;
  v_statement.embedding := store_memory.embedding;
  v_statement.embedding_model := store_memory.embedding_model;
  v_statement.expires_at := store_memory.expires_at;
  -- The newcomer: on a tie of importance the memory already there stays (its id is the one a chatbot holds). Not
  -- now(): a store that waited on the lock began before the memory it now meets.
  v_statement.created_at := 'infinity';

  -- One pass over the near memories: the duplicate to merge into (the same text first, then the most similar,
  -- then keep order), and those a value sets apart, which the caller hears of as related.
  select * into v_thresholds from private.duplicate_thresholds(store_memory.embedding_model, duplicate_threshold);
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'similarity', round(c.similarity::numeric, 4), 'reason', c.value_difference,
                                               'relation', c.relation)
                    order by c.similarity desc, c.id) filter (where not c.is_duplicate), '[]'::jsonb),
         (array_agg(c.id order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.similarity order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.id order by c.similarity desc, c.id) filter (where c.relation = 'refines'))[1],
         (array_agg(c.id order by c.similarity desc, c.id) filter (where c.relation = 'conflicts'))[1]
    into v_related, v_match, v_similarity, v_refined, v_conflicting
    from private.duplicate_candidates(v_user, v_fact, store_memory.embedding, store_memory.embedding_model,
           v_thresholds.jaccard, v_thresholds.cosine) c;
  v_relation := case when v_match is not null then 'duplicate' when v_refined is not null then 'refines'
                     when v_conflicting is not null then 'conflicts' else 'new' end;

  -- The fuller statement of a memory, or (asked for) the statement that replaces the one it conflicts with: a new
  -- version of that memory, the previous text kept in its history.
  if v_match is null and (v_refined is not null or (v_conflicting is not null and on_conflict = 'supersede')) then
    select v.id, v.version into v_id, v_version
      from private.store_version(v_user, coalesce(v_refined, v_conflicting), v_statement) v;
    v_status := case when v_refined is not null then 'refined' else 'superseded' end;
  elsif v_match is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := case when v_related = '[]'::jsonb then 'created' else 'distinct' end;
  else
    select m.id, m.version, m.sighting_id into v_id, v_version, v_sighting
      from private.merge_statement(v_user, v_match, v_statement, v_similarity, store_memory.idempotency_key) m;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version, sighting_id, related, relation)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version, v_sighting, v_related, v_relation);
  end if;
  return query select v_id, v_status, v_version, v_sighting, v_related, v_relation;
end
$_$;
REVOKE ALL ON FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text) IS 'Stores a statement for the caller in one transaction and says how it stands to what is known (relation): duplicate (the same meaning, read through contractions, spellings, number formats, filler and moved phrases: merged, the statement kept as a sighting; status duplicate), refines (the fact with a detail added: a new version of that memory, the previous text in its history; status refined), conflicts (a value, a role or order, a tense, a polarity, a comparison or a quantity differs: a new memory, status distinct; or, with on_conflict => ''supersede'', a new version of the memory it conflicts with, status superseded) or new (status created). related names each memory refined or conflicting, [{id, similarity, reason, relation}]. Validates first (SQLSTATE 23514/22023), refuses active memories past the quota (PT507); an idempotency key replays the first outcome.';

REVOKE ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text) TO authenticated;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text) TO service_role;

CREATE OR REPLACE FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision DEFAULT NULL::double precision, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text) RETURNS TABLE(id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision, is_duplicate boolean, value_difference text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(find_duplicate_memories.user_id);
  v_thresholds record;
begin
  if find_duplicate_memories.fact is null or find_duplicate_memories.fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty' using errcode = '22023', column = 'fact';
  end if;
  if (find_duplicate_memories.embedding is null) <> (find_duplicate_memories.embedding_model is null) then
    raise exception 'embedding and embedding_model go together' using errcode = '22023', column = 'embedding_model';
  end if;
  select * into v_thresholds from private.duplicate_thresholds(find_duplicate_memories.embedding_model, threshold);
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity, d.is_duplicate, d.value_difference
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, v_thresholds.jaccard, v_thresholds.cosine) d
      join public.user_memories m on m.id = d.id
     -- Near by the thresholds, or the same fact read through its form; not every memory the statement refines.
     where d.is_duplicate or d.jaccard >= v_thresholds.jaccard or d.cosine >= v_thresholds.cosine
     order by d.is_duplicate desc, d.similarity desc, m.importance_score desc, m.id;
end
$$;
REVOKE ALL ON FUNCTION public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) IS 'The user''s active memories near a candidate text (word-set Jaccard; cosine for embeddings of the same model), each with its scores and whether store_memory would merge it: is_duplicate, or value_difference saying what value sets the two apart. Duplicates first, most similar first.';

REVOKE ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) TO authenticated;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) TO service_role;

CREATE OR REPLACE FUNCTION private.value_words() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $_$
  select jsonb_object_agg(w.word, w.token order by w.rank) from (
    -- Capitalized words that open a sentence without being a name (English stop words, "The", "She", are known
    -- to the dictionary), and contraction stems. Ranked first: where a word also carries a value, the value wins.
    select o.word, '' as token, 1 as rank from unnest(array[
      'user', 'users', 'prefers', 'prefer', 'likes', 'like', 'loves', 'love', 'enjoys', 'enjoy', 'hates',
      'hate', 'dislikes', 'dislike', 'wants', 'want', 'needs', 'need', 'works', 'work', 'worked', 'lives', 'live',
      'lived', 'plans', 'plan', 'planning', 'goes', 'go', 'went', 'takes', 'take', 'took', 'drinks', 'drink',
      'eats', 'eat', 'ate', 'plays', 'play', 'played', 'speaks', 'speak', 'studies', 'study', 'studied', 'owns',
      'own', 'uses', 'use', 'used', 'visits', 'visit', 'visited', 'moved', 'moves', 'started', 'starts', 'stopped',
      'finished', 'graduated', 'got', 'gets', 'bought', 'buys', 'watches', 'watched', 'reads', 'read', 'writes',
      'wrote', 'cooks', 'cooked', 'runs', 'ran', 'walks', 'walked', 'favorite', 'favourite', 'recently',
      'currently', 'also', 'really', 'actually', 'just', 'still', 'now', 'mentioned', 'mentions', 'said', 'says',
      'thinks', 'believes', 'feels', 'felt', 'remember', 'remembers', 'note', 'allergic', 'vegetarian', 'vegan',
      'birthday', 'has', 'had', 'is', 'was', 'wants', 'wishes', 'hopes', 'tries', 'tried', 'keeps', 'avoids',
      'avoid', 'collects', 'follows', 'supports', 'attends', 'attended', 'teaches', 'learns', 'learning',
      'learned', 'learnt', 'practices', 'practises', 'prefers', 'definitely', 'basically', 'honestly', 'apparently',
      'generally', 'strongly', 'absolutely', 'totally', 'probably', 'maybe', 'perhaps', 'please', 'okay', 'ok',
      'yes', 'yeah', 'well', 'oh', 'hey', 'hi', 'hello', 'fyi', 'btw', 'interested', 'likely', 'usually', 'often',
      'sometimes', 'always', 'never', 'can', 'could', 'would', 'should', 'will', 'might', 'must', 'favorite',
      'going', 'trying', 'looking', 'thinking', 'working', 'living', 'speaking', 'considering', 'new', 'old',
      'big', 'small', 'good', 'great', 'best', 'first', 'last', 'every', 'each', 'many', 'some', 'several',
      'indeed', 'quite', 'very', 'pretty', 'truly', 'certainly', 'literally', 'simply', 'though', 'anyway', 'too',
      'so', 'then', 'lately', 'nowadays', 'said', 'mentioned', 'told', 'says', 'apparently', 'like',
      'isn', 'aren', 'wasn', 'weren', 'don', 'doesn', 'didn', 'hasn', 'haven', 'hadn', 'couldn', 'shouldn',
      'wouldn', 'mustn', 'needn', 'won', 'ain', 'can', 'shan']) as o(word)
    union all
    select v.word, v.token, 2 from (
      select unnest(array['not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'cannot',
        'without', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'wont', 'couldnt',
        'shouldnt', 'wouldnt', 'hasnt', 'havent', 'hadnt', 'aint', 'mustnt', 'neednt',
        -- normalize_fact splits "isn't" into "isn" and "t": the t is the negation, the stem carries nothing.
        't',
        -- "rarely eats meat" is nearer "does not eat meat" than "eats meat".
        'rarely', 'seldom', 'hardly', 'barely', 'scarcely']) as word, 'negation' as token
      union all
      select n.word, 'number:' || n.value from (values
        ('zero', '0'), ('one', '1'), ('two', '2'), ('three', '3'), ('four', '4'), ('five', '5'), ('six', '6'),
        ('seven', '7'), ('eight', '8'), ('nine', '9'), ('ten', '10'), ('eleven', '11'), ('twelve', '12'),
        ('thirteen', '13'), ('fourteen', '14'), ('fifteen', '15'), ('sixteen', '16'), ('seventeen', '17'),
        ('eighteen', '18'), ('nineteen', '19'), ('twenty', '20'), ('thirty', '30'), ('forty', '40'), ('fifty', '50'),
        ('sixty', '60'), ('seventy', '70'), ('eighty', '80'), ('ninety', '90'), ('hundred', '100'),
        ('thousand', '1000'), ('million', '1000000'), ('billion', '1000000000'), ('dozen', '12'), ('dozens', '12'),
        -- Ordinals are their number, as "14th" is 14 and "th".
        ('first', '1'), ('second', '2'), ('third', '3'), ('fourth', '4'), ('fifth', '5'), ('sixth', '6'),
        ('seventh', '7'), ('eighth', '8'), ('ninth', '9'), ('tenth', '10'), ('eleventh', '11'), ('twelfth', '12'),
        ('thirteenth', '13'), ('fourteenth', '14'), ('fifteenth', '15'), ('sixteenth', '16'), ('seventeenth', '17'),
        ('eighteenth', '18'), ('nineteenth', '19'), ('twentieth', '20'), ('thirtieth', '30'), ('hundredth', '100'),
        ('primary', '1'), ('secondary', '2'), ('tertiary', '3')) as n(word, value)
      union all
      select d.word, 'date:' || d.value from (values
        ('january', 'january'), ('jan', 'january'), ('february', 'february'), ('feb', 'february'),
        ('march', 'march'), ('mar', 'march'), ('april', 'april'), ('apr', 'april'), ('june', 'june'),
        ('jun', 'june'), ('july', 'july'), ('jul', 'july'), ('august', 'august'), ('aug', 'august'),
        ('september', 'september'), ('sep', 'september'), ('sept', 'september'), ('october', 'october'),
        ('oct', 'october'), ('november', 'november'), ('nov', 'november'), ('december', 'december'),
        ('dec', 'december'),
        ('monday', 'monday'), ('mondays', 'monday'), ('mon', 'monday'), ('tuesday', 'tuesday'),
        ('tuesdays', 'tuesday'), ('tue', 'tuesday'), ('tues', 'tuesday'), ('wednesday', 'wednesday'),
        ('wednesdays', 'wednesday'), ('thursday', 'thursday'), ('thursdays', 'thursday'), ('thu', 'thursday'),
        ('thur', 'thursday'), ('thurs', 'thursday'), ('friday', 'friday'), ('fridays', 'friday'), ('fri', 'friday'),
        ('saturday', 'saturday'), ('saturdays', 'saturday'), ('sunday', 'sunday'), ('sundays', 'sunday'),
        ('today', 'today'), ('tonight', 'tonight'), ('tomorrow', 'tomorrow'), ('yesterday', 'yesterday'),
        ('morning', 'morning'), ('mornings', 'morning'), ('afternoon', 'afternoon'), ('afternoons', 'afternoon'),
        ('evening', 'evening'), ('evenings', 'evening'), ('night', 'night'), ('nights', 'night'),
        ('noon', 'noon'), ('midday', 'noon'), ('midnight', 'midnight'),
        ('oclock', 'oclock'), ('weekend', 'weekend'), ('weekends', 'weekend'), ('weekday', 'weekday'),
        ('weekdays', 'weekday'), ('daily', 'daily'), ('weekly', 'weekly'), ('fortnightly', 'fortnightly'),
        ('monthly', 'monthly'), ('yearly', 'yearly'), ('annually', 'yearly'), ('annual', 'yearly'),
        ('hourly', 'hourly'), ('spring', 'spring'), ('summer', 'summer'), ('autumn', 'autumn'),
        ('winter', 'winter'), ('next', 'next'), ('last', 'last'), ('ago', 'ago'), ('christmas', 'christmas'),
        ('easter', 'easter'), ('thanksgiving', 'thanksgiving'), ('halloween', 'halloween')) as d(word, value)
      union all
      select u.word, 'amount:' || u.value from (values
        ('mg', 'mg'), ('mcg', 'mcg'), ('g', 'g'), ('gram', 'g'), ('grams', 'g'), ('kg', 'kg'), ('kilo', 'kg'),
        ('kilos', 'kg'), ('kilogram', 'kg'), ('kilograms', 'kg'), ('lb', 'lb'), ('lbs', 'lb'), ('pound', 'lb'),
        ('pounds', 'lb'), ('oz', 'oz'), ('ounce', 'oz'), ('ounces', 'oz'), ('stone', 'stone'), ('km', 'km'),
        ('kilometer', 'km'), ('kilometers', 'km'), ('kilometre', 'km'), ('kilometres', 'km'), ('mile', 'mile'),
        ('miles', 'mile'), ('mi', 'mile'), ('meter', 'm'), ('meters', 'm'), ('metre', 'm'), ('metres', 'm'),
        ('cm', 'cm'), ('mm', 'mm'), ('ft', 'ft'), ('foot', 'ft'), ('feet', 'ft'), ('inch', 'inch'),
        ('inches', 'inch'), ('l', 'l'), ('liter', 'l'), ('liters', 'l'), ('litre', 'l'), ('litres', 'l'),
        ('ml', 'ml'), ('cup', 'cup'), ('cups', 'cup'), ('glass', 'glass'), ('glasses', 'glass'),
        ('bottle', 'bottle'), ('bottles', 'bottle'), ('pill', 'pill'), ('pills', 'pill'), ('tablet', 'tablet'),
        ('tablets', 'tablet'), ('dose', 'dose'), ('doses', 'dose'),
        ('hour', 'hour'), ('hours', 'hour'), ('hr', 'hour'), ('hrs', 'hour'), ('minute', 'minute'),
        ('minutes', 'minute'), ('min', 'minute'), ('mins', 'minute'), ('seconds', 'second'), ('secs', 'second'),
        ('day', 'day'), ('days', 'day'), ('week', 'week'), ('weeks', 'week'), ('fortnight', 'fortnight'),
        ('month', 'month'), ('months', 'month'), ('year', 'year'), ('years', 'year'), ('yr', 'year'),
        ('yrs', 'year'), ('decade', 'decade'), ('decades', 'decade'), ('percent', '%'),
        ('degree', 'degree'), ('degrees', 'degree'), ('celsius', 'celsius'), ('fahrenheit', 'fahrenheit'),
        ('calorie', 'calorie'), ('calories', 'calorie'), ('kcal', 'calorie'), ('mph', 'mph'), ('kph', 'kph'),
        ('bpm', 'bpm'), ('k', 'k'), ('gb', 'gb'), ('mb', 'mb'), ('tb', 'tb'), ('times', 'times'),
        ('dollar', '$'), ('dollars', '$'), ('bucks', '$'), ('usd', '$'), ('euro', '€'), ('euros', '€'),
        ('eur', '€'), ('gbp', '£'), ('quid', '£'), ('yen', '¥'), ('rupee', '₹'), ('rupees', '₹'), ('cent', 'cent'),
        ('cents', 'cent'), ('half', 'half'),
        ('double', 'double'), ('twice', 'twice'), ('once', 'once'), ('thrice', 'thrice'), ('triple', 'triple'),
        ('quarter', 'quarter')) as u(word, value)
      union all
      -- When: the past ("was", "used to", "no longer") or the future against the present; what stopped or began.
      select t.word, 'tense:' || t.value from (values
        ('was', 'past'), ('were', 'past'), ('had', 'past'), ('did', 'past'), ('former', 'past'),
        ('formerly', 'past'), ('previously', 'past'), ('ex', 'past'), ('will', 'future'), ('shall', 'future'),
        ('used', 'ceased'), ('anymore', 'ceased'), ('stopped', 'ceased'), ('stop', 'ceased'), ('stops', 'ceased'),
        ('quit', 'ceased'), ('quits', 'ceased'), ('ceased', 'ceased'), ('gave', 'ceased'), ('started', 'began'),
        ('start', 'began'), ('starts', 'began'), ('began', 'began'), ('begun', 'began'), ('begin', 'began'),
        ('begins', 'began'), ('newly', 'began')) as t(word, value)
      union all
      select c.word, 'comparison:' || c.value from (values
        ('more', 'more'), ('better', 'more'), ('greater', 'more'), ('less', 'less'), ('fewer', 'less'),
        ('worse', 'less'), ('most', 'most'), ('best', 'most'), ('least', 'least'), ('worst', 'least')) as c(word, value)
      union all
      select q.word, 'quantity:' || q.value from (values
        ('all', 'all'), ('both', 'all'), ('some', 'some'), ('any', 'some'), ('many', 'many'), ('few', 'few'),
        ('several', 'several')) as q(word, value)
      union all
      -- Morning or afternoon of a clock time: counts only when both facts say it ("9:00" and "9 am").
      select m.word, 'meridiem:' || m.word from unnest(array['am', 'pm']) as m(word)
      union all
      -- How often: a value when both facts say it ("usually" against "sometimes"), a filler when one does.
      select q.word, 'frequency:' || q.value from (values
        ('always', 'always'), ('usually', 'usually'), ('normally', 'usually'), ('generally', 'usually'),
        ('often', 'often'), ('frequently', 'often'), ('regularly', 'often'), ('sometimes', 'sometimes'),
        ('occasionally', 'sometimes')) as q(word, value)
      union all
      select f.word, 'family:' || f.value from (values
        ('mother', 'mother'), ('mom', 'mother'), ('mum', 'mother'), ('mommy', 'mother'), ('mama', 'mother'),
        ('father', 'father'), ('dad', 'father'), ('daddy', 'father'), ('papa', 'father'), ('parent', 'parent'),
        ('parents', 'parent'), ('sister', 'sister'), ('sisters', 'sister'), ('brother', 'brother'),
        ('brothers', 'brother'), ('sibling', 'sibling'), ('siblings', 'sibling'), ('son', 'son'), ('sons', 'son'),
        ('daughter', 'daughter'), ('daughters', 'daughter'), ('child', 'child'), ('children', 'child'),
        ('kid', 'child'), ('kids', 'child'), ('baby', 'baby'), ('wife', 'wife'), ('husband', 'husband'),
        ('spouse', 'spouse'), ('partner', 'partner'), ('boyfriend', 'boyfriend'), ('girlfriend', 'girlfriend'),
        ('fiance', 'fiance'), ('fiancé', 'fiance'), ('fiancee', 'fiancee'), ('fiancée', 'fiancee'),
        ('aunt', 'aunt'), ('uncle', 'uncle'), ('cousin', 'cousin'), ('cousins', 'cousin'), ('niece', 'niece'),
        ('nephew', 'nephew'), ('grandmother', 'grandmother'), ('grandma', 'grandmother'), ('granny', 'grandmother'),
        ('grandfather', 'grandfather'), ('grandpa', 'grandfather'), ('grandparent', 'grandparent'),
        ('grandparents', 'grandparent'), ('grandson', 'grandson'), ('granddaughter', 'granddaughter'),
        ('grandchild', 'grandchild'), ('grandchildren', 'grandchild'), ('stepmother', 'stepmother'),
        ('stepfather', 'stepfather'), ('stepson', 'stepson'), ('stepdaughter', 'stepdaughter'),
        ('stepbrother', 'stepbrother'), ('stepsister', 'stepsister'), ('twin', 'twin'), ('twins', 'twin'),
        ('godmother', 'godmother'), ('godfather', 'godfather'), ('law', 'in-law')) as f(word, value)
    ) v
  ) w
$_$;
REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.value_words() IS 'The vocabulary of the value guard: word -> token (negation, tense:T, comparison:C, quantity:Q, number:N, date:D, meridiem:M, amount:U, frequency:F, family:F), or '''' for a common sentence opener or contraction stem that carries no value and is no name.';

REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_words() TO authenticated;
GRANT ALL ON FUNCTION private.value_words() TO service_role;

CREATE OR REPLACE FUNCTION public.fact_value_difference(a text, b text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select private.value_difference(a, b)
$$;
REVOKE ALL ON FUNCTION public.fact_value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_value_difference(a text, b text) IS 'Why two facts are distinct facts whatever their similarity (''negation differs'', ''tense or aspect differs'', ''comparison differs'', ''quantity differs'', ''order or roles differ'', ''number differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', ''word differs'' when a word stands in place of another), or null when they say the same.';

REVOKE ALL ON FUNCTION public.fact_value_difference(a text, b text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO service_role;

CREATE OR REPLACE FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision DEFAULT NULL::double precision) RETURNS TABLE(a uuid, b uuid, similarity double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET work_mem TO '64MB'
    SET enable_mergejoin TO 'off'
    SET jit TO 'off'
    SET join_collapse_limit TO '1'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or not coalesce(cosine_threshold > 0 and cosine_threshold <= 1, cosine_threshold is null) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  return query
    -- Small rows only: the embeddings (1.5 KB each) are fetched for the few pairs that pass the Hamming bound;
    -- carrying them here spilled this CTE to disk at 10k memories.
    with mem as materialized (
      select m.id, m.fact_words as words, cardinality(m.fact_words) as size, m.embedding_bits, m.embedding_model,
             dense_rank() over (order by m.embedding_model) as model
        from public.user_memories m
       where m.user_id = target and m.is_active
    ),
    -- Each model's cosine threshold, and the Hamming distance it allows: a cosine of t is an angle of acos(t);
    -- about that share of the sign bits differ (68 at 0.85, with a standard deviation near 7.5). A quarter more
    -- keeps ~99% of the pairs at exactly t and drops most unrelated ones.
    models as materialized (
      select x.model, x.threshold, ceil(1.25 * public.embedding_dimensions() * acos(least(x.threshold, 1)) / pi())::integer as max_hamming
        from (select m.model, coalesce(cosine_threshold,
                (select t.duplicate_threshold from private.model_settings(m.embedding_model) t)) as threshold
                from (select distinct mem.model, mem.embedding_model from mem where mem.embedding_bits is not null) m) x
    ),
    -- Narrow rows from here on: the word sets rejoin only the candidate pairs.
    tok as materialized (select mem.id, mem.size, w from mem, unnest(mem.words) w),
    freq as (select tok.w, count(*) as f from tok group by tok.w),
    prefix as (
      select r.id, r.w, r.size, r.pos
        from (select tok.id, tok.w, tok.size, row_number() over (partition by tok.id order by freq.f, tok.w) as pos
                from tok join freq using (w)) r
       where r.pos <= r.size - ceil(jaccard_threshold * r.size) + 1
    ),
    -- Positional filtering (PPJoin): a word at position i of one set and j of the other leaves room for at most
    -- 1 + min(|a| - i, |b| - j) shared words, and Jaccard >= t needs t / (1 + t) * (|a| + |b|) of them. Most
    -- chance meetings on a prefix word fail this (the epsilon keeps float rounding from dropping a true pair).
    word_pairs as (
      select distinct p.id as a, q.id as b
        from prefix p join prefix q on q.w = p.w and q.id > p.id
       where q.size between ceil(jaccard_threshold * p.size) and floor(p.size / jaccard_threshold)
         and 1 + least(p.size - p.pos, q.size - q.pos)
             >= ceil(jaccard_threshold / (1 + jaccard_threshold) * (p.size + q.size) - 1e-9)
    ),
    -- Jaccard by counting shared words inline (a dozen comparisons, not a function call each).
    word_scores as (
      select wp.a, wp.b, x.shared / (ma.size + mb.size - x.shared) as sim
        from word_pairs wp join mem ma on ma.id = wp.a join mem mb on mb.id = wp.b
        cross join lateral (select count(*)::double precision as shared from unnest(ma.words) w where w = any (mb.words)) x
    ),
    -- One integer key per band: the model, the band's number and its 16 bits (a shift and a cast: substring()
    -- cost twice as much over 24 bands of every memory).
    bands as materialized (
      select mem.id, mem.model, mem.embedding_bits,
             ((mem.model * 24 + k) << 16) | ((mem.embedding_bits << (16 * k))::bit(16))::integer::bigint as key
        from mem, generate_series(0, 23) k
       where mem.embedding_bits is not null
    ),
    -- Only bands that pair something: most keys belong to one memory, and are dropped before the self-join. A
    -- band shared by more than 64 memories says nothing about any pair of them (a dense cluster: memories
    -- written from one template, or short texts of one topic): it is skipped, or its pairs would grow with the
    -- square of the cluster. Their other bands, and their words, still find their duplicates. (Measured at 10k
    -- memories: 460 ms against 650 ms joining all bands and filtering after, 580 ms grouping them into arrays.)
    shared_bands as (
      select b.* from bands b
       where b.key in (select s.key from bands s group by s.key having count(*) between 2 and 64)
    ),
    near as materialized (
      select distinct x.id as a, y.id as b, models.threshold
        from shared_bands x
        join shared_bands y on y.key = x.key and y.id > x.id
        join models on models.model = x.model
       where pg_catalog.bit_count(x.embedding_bits # y.embedding_bits) <= models.max_hamming
    ),
    -- The embeddings of the pairs left, read once through the user's rows (never a scan of the whole table).
    embeddings as (
      select e.id, e.embedding from public.user_memories e
       where e.user_id = target and e.is_active and e.id in (select near.a from near union select near.b from near)
    ),
    scored as (
      select ws.a, ws.b, ws.sim, false as by_vector from word_scores ws where ws.sim >= jaccard_threshold
      union all
      select v.a, v.b, v.sim, true
        from (select near.a, near.b, near.threshold, 1 - (ea.embedding operator(extensions.<=>) eb.embedding) as sim
                from near join embeddings ea on ea.id = near.a join embeddings eb on eb.id = near.b) v
       where v.sim >= v.threshold
    ),
    candidates as (
      select s.a, s.b, max(s.sim) as sim, max(s.sim) filter (where s.by_vector) as cos from scored s group by s.a, s.b
    ),
    -- The texts of the candidates only, for the value guard, each read once (not once per pair it is in).
    texts as materialized (
      select e.id, e.fact, private.fact_tokens(e.fact) as tokens, e.embedding_model from public.user_memories e
       where e.user_id = target and e.is_active
         and e.id in (select c.a from candidates c union select c.b from candidates c)
    ),
    unmerged as (
      select s.memory_id as keeper, s.unmerged_memory_id as other from public.memory_sightings s
       where s.user_id = target and s.unmerged_memory_id is not null
    ),
    -- Materialized: the guard runs once per pair (inlined, the filter below called it twice).
    judged as materialized (
      select c.a, c.b, c.sim, c.cos, ta.embedding_model as model_a, tb.embedding_model as model_b,
             private.tokens_difference(ta.fact, ta.tokens, tb.fact, tb.tokens) as reason
        from candidates c
        join texts ta on ta.id = c.a
        join texts tb on tb.id = c.b
       where not exists (select 1 from unmerged u
                          where (u.keeper = c.a and u.other = c.b) or (u.keeper = c.b and u.other = c.a))
    )
    select j.a, j.b, j.sim
      from judged j
     -- The cosine between embeddings of one model, computed only for a pair the guard would let it decide.
     where private.guard_allows_merge(j.reason,
             case when j.reason = 'word differs' and j.model_a = j.model_b
                  then coalesce(j.cos, (select 1 - (ea.embedding operator(extensions.<=>) eb.embedding)
                                          from public.user_memories ea, public.user_memories eb
                                         where ea.id = j.a and eb.id = j.b)) end,
             case when j.reason = 'word differs'
                  then coalesce(cosine_threshold, (select t.duplicate_threshold from private.model_settings(j.model_a) t)) end);
end
$$;
REVOKE ALL ON FUNCTION private.duplicate_pairs(uuid, double precision, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) IS 'The duplicate pairs among a user''s active memories: Jaccard at jaccard_threshold or same-model cosine at cosine_threshold (default: each model''s), no value differing, never a pair the user unmerged.';

REVOKE ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO service_role;
