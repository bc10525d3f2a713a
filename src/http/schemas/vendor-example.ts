// The first client of the vendor's own example answer (the integration docs page for cliente/all), as HubSoft
// documents it: the source of the field-by-field examples in the OpenAPI document.
export const VENDOR_EXAMPLE_CLIENTE = {
  id_cliente: 11201,
  codigo_cliente: 421,
  nome_razaosocial: 'GUILHERME SILVA',
  nome_fantasia: null,
  tipo_pessoa: 'pf',
  cpf_cnpj: '10682083681',
  telefone_primario: '37988242968',
  telefone_secundario: '37988242968',
  telefone_terciario: '',
  email_principal: 'guilherme@silva.com.br',
  email_secundario: null,
  rg: 'MG16999888',
  rg_emissao: null,
  inscricao_municipal: null,
  inscricao_estadual: null,
  data_cadastro: '2017-08-05 00:00:00',
  data_nascmento: '1969-12-31 04:00:00',
  servicos: [
    {
      id_cliente_servico: 11201,
      id_servico: 100,
      numero_plano: 1,
      nome: '4M',
      valor: 119.9,
      status: 'Serviço Habilitado',
      status_prefixo: 'servico_habilitado',
      tecnologia: 'WIRELESS',
      login: 'guilhermesilva1068',
      senha: '123',
      ipv4: '10.99.2.203',
      ipv6: null,
      interface: {
        nome: 'PON5',
        tipo: 'gpon',
        called_sid: null
      },
      interface_roteamento: {
        nome: 'ether8',
        tipo: 'ethernet',
        called_sid: null
      },
      equipamento_conexao: {
        nome: 'OLT XPTO',
        ipv4: '192.168.2.100',
        ipv6: null
      },
      equipamento_roteamento: {
        nome: 'CONCENTRADOR XPTO',
        ipv4: '172.17.24.98',
        ipv6: null
      },
      pacotes: [
        {
          id_pacote: 1,
          codigo: 'meu_codigo_personalizado_1',
          descricao: 'IP FIXO',
          valor: '20',
          observacoes: 'IP FIXO 189.79.21.21',
          data_cadastro: '2019-11-21 16:43:56'
        },
        {
          id_pacote: 2,
          codigo: 'meu_codigo_personalizado_2',
          descricao: 'TV',
          valor: '20',
          observacoes: 'ASSINATURA DE TV',
          data_cadastro: '2019-11-20 16:43:56'
        }
      ],
      senhas: [
        {
          id_cliente_servico_senha: 6,
          descricao: 'Teste',
          usuario: 'xpto123',
          senha: 'abc123'
        }
      ],
      endereco_cadastral: {
        completo: 'RUA DONA MARIA DAS DORES, 541 - NOSSA SENHORA DAS GRACAS, DIVINóPOLIS/MG - IGREJA',
        logradouro: 'RUA',
        endereco: 'DONA MARIA DAS DORES',
        numero: '541',
        complemento: 'IGREJA',
        bairro: 'NOSSA SENHORA DAS GRACAS',
        cep: '35501-048',
        estado: 'MG',
        uf: 'MINAS GERAIS',
        cidade: 'Divinópolis',
        coordenadas: {
          latitude: null,
          longitude: null
        }
      },
      endereco_instalacao: {
        completo: 'RUA MINAS GERAIS, 1793 - IPIRANGA, DIVINÓPOLIS/MG',
        logradouro: 'RUA',
        endereco: 'MINAS GERAIS',
        numero: '1793',
        complemento: '',
        bairro: 'IPIRANGA',
        cep: '35502-026',
        estado: 'MG',
        uf: 'MINAS GERAIS',
        cidade: 'Divinópolis',
        coordenadas: {
          latitude: -20.086592,
          longitude: -45.290962
        }
      },
      endereco_fiscal: {
        completo: 'RUA GOIAS, 86 - PORTO VELHO, DIVINÓPOLIS/MG - APTO 101',
        logradouro: 'RUA',
        endereco: 'GOIAS',
        numero: '86',
        complemento: 'APTO 101',
        bairro: 'PORTO VELHO',
        cep: '35500-000',
        estado: 'MG',
        uf: 'MINAS GERAIS',
        cidade: 'Divinópolis',
        coordenadas: {
          latitude: null,
          longitude: null
        }
      },
      endereco_cobranca: {
        completo: 'RUA SEBASTIAO PARDINI, 58 - CENTRO, DIVINÓPOLIS/MG - 202',
        logradouro: 'RUA',
        endereco: 'SEBASTIAO PARDINI',
        numero: '58',
        complemento: '202',
        bairro: 'CENTRO',
        cep: '35500-000',
        estado: 'MG',
        uf: 'MINAS GERAIS',
        cidade: 'Divinópolis',
        coordenadas: {
          latitude: null,
          longitude: null
        }
      }
    }
  ]
} as const
